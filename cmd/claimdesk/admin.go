package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/seeds"
)

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("seed", stderr)
	dbFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
	}
	adminFromEnv(&cfg)
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := bootstrapAdmin(ctx, st, cfg, stdout); err != nil {
		return err
	}
	res, err := seed.Load(ctx, st, seeds.FS)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed: added %d articles, %d claims, %d users\n", res.Articles, res.Claims, res.Users)
	return nil
}

func runUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	var u factcheck.User
	var role string
	fs := newFlagSet("user add", stderr)
	dbFlags(fs, &cfg)
	fs.StringVar(&u.Email, "email", "", "email address (required)")
	fs.StringVar(&u.Name, "name", "", "display name (required)")
	fs.StringVar(&role, "role", "editor", "admin, reviewer or editor")
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
	}
	u.Role = factcheck.Role(role)
	u.Normalize()
	if err := u.Validate(); err != nil {
		return errors.New(factcheck.ErrorMessage(err))
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	pw, err := readPassword(ctx, stdin, stderr, "Password for "+u.Email+": ", true)
	if err != nil {
		return err
	}
	if err := factcheck.ValidatePassword(pw); err != nil {
		return fmt.Errorf("%s (the password is read from stdin)", factcheck.ErrorMessage(err))
	}
	if err := st.CreateUser(ctx, &u, pw); err != nil {
		return errors.New(factcheck.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "added %s (%s) as %s\n", u.Email, u.Name, u.Role)
	return nil
}

func runTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var email, name string
	var days int
	fs := newFlagSet("token create", stderr)
	dbFlags(fs, &cfg)
	fs.StringVar(&email, "email", "", "the user the token acts as (required)")
	fs.StringVar(&name, "name", "cli", "a label for the token")
	fs.IntVar(&days, "expires-days", 90, "days until the token expires; 0 for never")
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
	} else if days < 0 {
		return errors.New("token create: --expires-days must be 0 (never) or more")
	}
	if email == "" {
		return errors.New("token create: --email is required")
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, email)
	if factcheck.ErrorCode(err) == factcheck.ENOTFOUND {
		return fmt.Errorf("token create: no user with email %s in %s", email, cfg.dbName())
	} else if err != nil {
		return err
	} else if !u.Active() {
		return fmt.Errorf("token create: %s is deactivated; run claimdesk user activate --email %s first", u.Email, u.Email)
	}
	var expires *time.Time
	until := "never expires"
	if days > 0 {
		t := time.Now().UTC().AddDate(0, 0, days)
		expires, until = &t, "expires on "+t.Format("2006-01-02")
	}
	token, err := st.IssueAPIToken(ctx, u.ID, name, expires)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	fmt.Fprintf(stderr, "API token for %s created; it %s. It is shown only once; send it as Authorization: Bearer TOKEN.\n", u.Email, until)
	return nil
}
