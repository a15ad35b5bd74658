package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// TOTP parameters: what every authenticator app expects (RFC 6238 with
// SHA-1, 6 digits, 30-second steps). A code is accepted for the step
// before and after the current one, for clocks a little off.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// recoveryCodes is how many recovery codes a user gets at a time.
const recoveryCodes = 10

// totpLoginPage asks for the second factor of a login whose password was
// right; without such a login in this browser it sends the user to /login.
func (s *Server) totpLoginPage(c echo.Context) error {
	if _, _, ok := s.pendingLogin(c); !ok {
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(safeNext(c.QueryParam("next"))))
	}
	return s.render(c, http.StatusOK, views.TOTPLoginPage(views.TOTPLoginView{Page: s.page(c, "Two-factor authentication"), Next: safeNext(c.QueryParam("next"))}))
}

// totpLogin checks the second factor: a code from the authenticator app
// (each accepted once) or an unused recovery code. Attempts are counted
// like passwords, per address and per account, before the code is checked.
func (s *Server) totpLogin(c echo.Context) error {
	ctx := c.Request().Context()
	next := safeNext(c.FormValue("next"))
	userID, method, ok := s.pendingLogin(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	v := views.TOTPLoginView{Page: s.page(c, "Two-factor authentication"), Next: next}
	att, ok, err := s.reserveAttempt(c, []string{"ip:" + c.RealIP(), "totp:" + strconv.FormatInt(u.ID, 10)}, u.Email)
	if err != nil {
		return err
	} else if !ok {
		v.Error = lockedMessage(att.Refused.Until.Sub(s.now()))
		return s.render(c, http.StatusTooManyRequests, views.TOTPLoginPage(v))
	}
	used, err := s.checkSecondFactor(ctx, u, c.FormValue("code"))
	if code := factcheck.ErrorCode(err); code == factcheck.EUNAUTHORIZED || code == factcheck.EINVALID {
		s.logger(c).Warn("login failed", "account", u.Email, "ip", c.RealIP(), "factor", "totp", "reason", factcheck.ErrorMessage(err))
		v.Error = factcheck.ErrorMessage(err)
		return s.render(c, http.StatusUnauthorized, views.TOTPLoginPage(v))
	} else if err != nil {
		return err
	}
	if err := s.store.ReleaseLoginAttempt(ctx, att, "totp:"+strconv.FormatInt(u.ID, 10)); err != nil {
		return err
	}
	if used == "recovery" {
		s.logger(c).Warn("recovery code used", "account", u.Email, "ip", c.RealIP())
		next = "/desk/account?recovery=used"
	}
	return s.startSession(c, u, method+"+totp", next)
}

// digitsRe matches what a person types for a 6-digit code, spaces allowed.
var digitsRe = regexp.MustCompile(`^[0-9 ]{6,8}$`)

// checkSecondFactor accepts a current TOTP code (each step once) or an
// unused recovery code for u, and says which it was. A wrong code is
// EUNAUTHORIZED.
func (s *Server) checkSecondFactor(ctx context.Context, u *factcheck.User, input string) (string, error) {
	input = strings.TrimSpace(input)
	if digitsRe.MatchString(input) {
		secret, err := s.totpSecret(ctx, u.ID)
		if err != nil {
			return "", err
		}
		step, ok := matchTOTP(secret, strings.ReplaceAll(input, " ", ""), s.now())
		if !ok {
			return "", factcheck.Errorf(factcheck.EUNAUTHORIZED, "That code is not right. Check your phone's clock, and use the newest code.")
		}
		return "totp", s.store.UseTOTPStep(ctx, u.ID, step)
	}
	if input == "" {
		return "", factcheck.Errorf(factcheck.EUNAUTHORIZED, "Enter the code from your authenticator app.")
	}
	return "recovery", s.store.UseRecoveryCode(ctx, u.ID, hashRecoveryCode(input))
}

// totpSecret opens u's enabled secret.
func (s *Server) totpSecret(ctx context.Context, userID int64) (string, error) {
	st, err := s.store.UserTOTP(ctx, userID)
	if err != nil {
		return "", err
	} else if !st.Enabled {
		return "", factcheck.Errorf(factcheck.EUNAUTHORIZED, "Two-factor authentication is off for this account.")
	}
	secret, err := s.keys.open(ctx, userID, st.Secret)
	if err == errSealKey {
		return "", factcheck.Errorf(factcheck.EUNAUTHORIZED, "Codes from your app cannot be checked right now (the desk's key changed); use a recovery code, or ask an admin to reset your two-factor authentication.")
	}
	return secret, err
}

// matchTOTP returns the time step whose code is code, trying the current
// step and one either side.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	for _, skew := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(skew) * 30 * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err == nil && len(code) == len(want) && subtle.ConstantTimeCompare([]byte(code), []byte(want)) == 1 {
			return t.Unix() / 30, true
		}
	}
	return 0, false
}

// newRecoveryCodes returns fresh recovery codes (80 random bits each,
// written abcd-efgh-ijkl-mnop) and their hashes for the store.
func newRecoveryCodes() (codes, hashes []string) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for range recoveryCodes {
		b := make([]byte, 10)
		rand.Read(b)
		raw := strings.ToLower(enc.EncodeToString(b))
		code := raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16]
		codes = append(codes, code)
		hashes = append(hashes, hashRecoveryCode(code))
	}
	return codes, hashes
}

// hashRecoveryCode is the stored form of a recovery code: SHA-256 of the
// code without dashes, white space or case, so "ABCD EFGH…" typed from
// paper matches.
func hashRecoveryCode(code string) string {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, strings.ToLower(code))
	sum := sha256.Sum256([]byte("claimdesk recovery\x00" + norm))
	return hex.EncodeToString(sum[:])
}

// startTOTP begins enrolment: a new secret, sealed in the store until the
// user confirms a code, shown as a QR code and as text.
func (s *Server) startTOTP(c echo.Context) error {
	ctx := c.Request().Context()
	u := userOf(c)
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.Newsroom, AccountName: u.Email, Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return err
	}
	sealed, err := s.keys.seal(ctx, u.ID, key.Secret())
	if err != nil {
		return err
	}
	if err := s.store.StartTOTP(ctx, u.ID, sealed); err != nil {
		if factcheck.ErrorCode(err) == factcheck.ECONFLICT {
			return s.renderAccount(c, http.StatusConflict, views.AccountView{Notice: factcheck.ErrorMessage(err)})
		}
		return err
	}
	enrol, err := enrolView(key)
	if err != nil {
		return err
	}
	return s.renderAccount(c, http.StatusOK, views.AccountView{Enrol: enrol})
}

// enrolView renders a key as a QR code (PNG data: URL; the page's CSP
// allows data: images) and as text in groups of four.
func enrolView(key *otp.Key) (*views.TOTPEnrol, error) {
	img, err := key.Image(180, 180)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	secret := key.Secret()
	var groups []string
	for i := 0; i < len(secret); i += 4 {
		groups = append(groups, secret[i:min(i+4, len(secret))])
	}
	return &views.TOTPEnrol{QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), Secret: strings.Join(groups, " ")}, nil
}

// confirmTOTP turns two-factor authentication on once the user enters a
// code for the pending secret, and shows the recovery codes once.
func (s *Server) confirmTOTP(c echo.Context) error {
	ctx := c.Request().Context()
	u := userOf(c)
	st, err := s.store.UserTOTP(ctx, u.ID)
	if err != nil {
		return err
	} else if st.Enabled || st.Secret == "" {
		return s.renderAccount(c, http.StatusConflict, views.AccountView{Notice: "Nothing to confirm: start the set-up again."})
	}
	secret, err := s.keys.open(ctx, u.ID, st.Secret)
	if err != nil {
		return err
	}
	step, ok := matchTOTP(secret, strings.ReplaceAll(strings.TrimSpace(c.FormValue("code")), " ", ""), s.now())
	if !ok {
		q := url.Values{"secret": {secret}, "issuer": {s.cfg.Newsroom}}
		key, err := otp.NewKeyFromURL((&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + s.cfg.Newsroom + ":" + u.Email, RawQuery: q.Encode()}).String())
		if err != nil {
			return err
		}
		enrol, err := enrolView(key)
		if err != nil {
			return err
		}
		return s.renderAccount(c, http.StatusUnprocessableEntity, views.AccountView{Enrol: enrol,
			Errors: views.FieldErrors{"code": "That code is not right. Enter the 6 digits the app shows now."}})
	}
	codes, hashes := newRecoveryCodes()
	if err := s.store.EnableTOTP(ctx, u.ID, step, hashes); err != nil {
		return err
	}
	s.logger(c).Info("two-factor authentication on", "account", u.Email)
	return s.renderAccount(c, http.StatusOK, views.AccountView{Notice: "Two-factor authentication is on.", RecoveryCodes: codes})
}

// newRecoveryCodesHandler replaces the user's recovery codes, after a
// current code from the app (or a recovery code).
func (s *Server) newRecoveryCodesHandler(c echo.Context) error {
	ctx := c.Request().Context()
	u := userOf(c)
	if _, err := s.checkSecondFactor(ctx, u, c.FormValue("code")); err != nil {
		return s.secondFactorFormError(c, err)
	}
	codes, hashes := newRecoveryCodes()
	if err := s.store.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
		return err
	}
	return s.renderAccount(c, http.StatusOK, views.AccountView{Notice: "New recovery codes made; the old ones no longer work.", RecoveryCodes: codes})
}

// disableTOTP turns two-factor authentication off, after a current code.
func (s *Server) disableTOTP(c echo.Context) error {
	ctx := c.Request().Context()
	u := userOf(c)
	if _, err := s.checkSecondFactor(ctx, u, c.FormValue("code")); err != nil {
		return s.secondFactorFormError(c, err)
	}
	if err := s.store.DisableTOTP(ctx, u.ID); err != nil {
		return err
	}
	s.logger(c).Warn("two-factor authentication off", "account", u.Email)
	return s.renderAccount(c, http.StatusOK, views.AccountView{Notice: "Two-factor authentication is off."})
}

// secondFactorFormError shows a wrong code next to the account page's
// code field; other errors go to the error handler.
func (s *Server) secondFactorFormError(c echo.Context, err error) error {
	if code := factcheck.ErrorCode(err); code != factcheck.EUNAUTHORIZED && code != factcheck.EINVALID {
		return err
	}
	return s.renderAccount(c, http.StatusUnprocessableEntity, views.AccountView{Errors: views.FieldErrors{"rc_code": factcheck.ErrorMessage(err)}})
}
