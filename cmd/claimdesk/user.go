package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// runUserList prints every user, one per line.
func runUserList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("user list", stderr)
	dbFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tEMAIL\tROLE\tSTATUS\tNAME")
	for _, u := range users {
		status := "active"
		if !u.Active() {
			status = "deactivated " + u.DeactivatedAt.UTC().Format("2006-01-02")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, status, u.Name)
	}
	return w.Flush()
}

// runUserResetPassword sets a user's password from stdin and ends their sessions.
func runUserResetPassword(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	var email string
	fs := newFlagSet("user reset-password", stderr)
	dbFlags(fs, &cfg)
	fs.StringVar(&email, "email", "", "the user's email address (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
	} else if email == "" {
		return errors.New("user reset-password: --email is required")
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := userByEmail(ctx, st, cfg, email)
	if err != nil {
		return err
	}
	pw, err := readPassword(ctx, stdin, stderr, "New password for "+u.Email+": ", true)
	if err != nil {
		return err
	}
	if err := st.SetPassword(ctx, u.ID, pw); err != nil {
		if factcheck.ErrorCode(err) == factcheck.EINVALID {
			return fmt.Errorf("%s (the password is read from stdin)", factcheck.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(stdout, "password of %s reset; their sessions have ended\n", u.Email)
	return nil
}

// runUserSetActive deactivates or reactivates a user (verb names which).
func runUserSetActive(ctx context.Context, verb string, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var email string
	fs := newFlagSet("user "+verb, stderr)
	dbFlags(fs, &cfg)
	fs.StringVar(&email, "email", "", "the user's email address (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
	} else if email == "" {
		return fmt.Errorf("user %s: --email is required", verb)
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := userByEmail(ctx, st, cfg, email)
	if err != nil {
		return err
	}
	active := verb == "activate"
	if err := st.SetActive(ctx, u.ID, active); err != nil {
		if code := factcheck.ErrorCode(err); code != factcheck.EINTERNAL && code != factcheck.EUNAVAILABLE {
			return errors.New(factcheck.ErrorMessage(err))
		}
		return err
	}
	if active {
		fmt.Fprintf(stdout, "%s can log in again\n", u.Email)
	} else {
		fmt.Fprintf(stdout, "%s deactivated: their sessions have ended and their API tokens are revoked\n", u.Email)
	}
	return nil
}

// runUserResetTOTP turns a user's two-factor authentication off.
func runUserResetTOTP(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	var email string
	fs := newFlagSet("user reset-2fa", stderr)
	dbFlags(fs, &cfg)
	fs.StringVar(&email, "email", "", "the user's email address (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
	} else if email == "" {
		return errors.New("user reset-2fa: --email is required")
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := userByEmail(ctx, st, cfg, email)
	if err != nil {
		return err
	}
	on, err := st.TOTPEnabled(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := st.DisableTOTP(ctx, u.ID); err != nil {
		return err
	}
	if !on {
		fmt.Fprintf(stdout, "%s had no two-factor authentication on; nothing to reset\n", u.Email)
		return nil
	}
	fmt.Fprintf(stdout, "two-factor authentication of %s is off; they log in with their password and set it up again\n", u.Email)
	return nil
}

func userByEmail(ctx context.Context, st *store.Store, cfg Config, email string) (*factcheck.User, error) {
	u, err := st.UserByEmail(ctx, email)
	if factcheck.ErrorCode(err) == factcheck.ENOTFOUND {
		return nil, fmt.Errorf("no user with email %s in %s (claimdesk user list shows them)", email, cfg.dbName())
	}
	return u, err
}
