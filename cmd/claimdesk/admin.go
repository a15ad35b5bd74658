package main

import (
	"context"
	"errors"
	"fmt"
	"io"

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
	fs := newFlagSet("token create", stderr)
	dbFlags(fs, &cfg)
	fs.StringVar(&email, "email", "", "the user the token acts as (required)")
	fs.StringVar(&name, "name", "cli", "a label for the token")
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
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
	token, err := st.CreateAPIToken(ctx, u.ID, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	fmt.Fprintf(stderr, "API token for %s created. It is shown only once; send it as Authorization: Bearer TOKEN.\n", u.Email)
	return nil
}
