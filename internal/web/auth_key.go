package web

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"sync"

	"claimdesk/internal/store"
)

// keyring derives the keys the desk signs with (device cookies, CSRF
// tokens, the pending second-factor cookie, single sign-on state) from one
// random server secret kept in the database, so every node agrees on them
// without configuration. The secret is read once and kept; a failed read
// is retried on the next request.
type keyring struct {
	store  *store.Store
	mfaKey string

	mu     sync.Mutex
	master []byte
}

// key returns the key for purpose: HMAC-SHA256(master secret, purpose),
// so a key for one purpose never verifies another's values.
func (k *keyring) key(ctx context.Context, purpose string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.master == nil {
		m, err := k.store.ServerSecret(ctx, "master")
		if err != nil {
			return nil, err
		}
		k.master = m
	}
	return macOf(k.master, purpose), nil
}

func macOf(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// sign returns value with its MAC for purpose appended: "value.MAC",
// both base64url. value must not be empty.
func (k *keyring) sign(ctx context.Context, purpose, value string) (string, error) {
	key, err := k.key(ctx, purpose)
	if err != nil {
		return "", err
	}
	v := base64.RawURLEncoding.EncodeToString([]byte(value))
	return v + "." + base64.RawURLEncoding.EncodeToString(macOf(key, v)), nil
}

// errBadSignature is a signed value that was not made by sign for this
// purpose (forged, altered, or from another desk).
var errBadSignature = errors.New("bad signature")

// verify returns the value signed by sign for purpose.
func (k *keyring) verify(ctx context.Context, purpose, signed string) (string, error) {
	v, mac, ok := strings.Cut(signed, ".")
	if !ok || v == "" {
		return "", errBadSignature
	}
	key, err := k.key(ctx, purpose)
	if err != nil {
		return "", err
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil || !hmac.Equal(got, macOf(key, v)) {
		return "", errBadSignature
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return "", errBadSignature
	}
	return string(b), nil
}

// token returns a MAC of value for purpose as base64url, for values that
// are compared rather than read back (CSRF tokens).
func (k *keyring) token(ctx context.Context, purpose, value string) (string, error) {
	key, err := k.key(ctx, purpose)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(macOf(key, value)), nil
}

// totpAEAD returns the cipher that seals TOTP secrets, and a short name
// of its key stored with each sealed secret. With an MFA key configured
// (CLAIMDESK_MFA_KEY) the key lives outside the database, so a copy of the
// database alone does not give anyone's codes; without one, a key derived
// from the database's own secret is used (a leaked table alone is still
// useless, a whole database is not).
func (k *keyring) totpAEAD(ctx context.Context) (cipher.AEAD, string, error) {
	var key []byte
	name := "db"
	if k.mfaKey != "" {
		sum := sha256.Sum256([]byte("claimdesk totp\x00" + k.mfaKey))
		key, name = sum[:], "env"
	} else {
		var err error
		if key, err = k.key(ctx, "totp-seal"); err != nil {
			return nil, "", err
		}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, "", err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, "", err
	}
	id := sha256.Sum256(key)
	return aead, name + "-" + base64.RawURLEncoding.EncodeToString(id[:4]), nil
}

// errSealKey is a sealed TOTP secret that the configured key cannot open:
// the MFA key changed or was removed since the user enrolled.
var errSealKey = errors.New("the TOTP secret was sealed with another key (was CLAIMDESK_MFA_KEY changed?)")

// seal encrypts a TOTP secret for user userID: "v1:KEYNAME:NONCE:CIPHERTEXT".
// The user id is authenticated with it, so a sealed secret copied onto
// another user's row does not open.
func (k *keyring) seal(ctx context.Context, userID int64, secret string) (string, error) {
	aead, name, err := k.totpAEAD(ctx)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	ct := aead.Seal(nil, nonce, []byte(secret), []byte(userAD(userID)))
	enc := base64.RawURLEncoding.EncodeToString
	return "v1:" + name + ":" + enc(nonce) + ":" + enc(ct), nil
}

// open decrypts what seal made for userID.
func (k *keyring) open(ctx context.Context, userID int64, sealed string) (string, error) {
	aead, name, err := k.totpAEAD(ctx)
	if err != nil {
		return "", err
	}
	parts := strings.Split(sealed, ":")
	if len(parts) != 4 || parts[0] != "v1" {
		return "", errors.New("the TOTP secret is damaged")
	} else if parts[1] != name {
		return "", errSealKey
	}
	nonce, err1 := base64.RawURLEncoding.DecodeString(parts[2])
	ct, err2 := base64.RawURLEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(nonce) != aead.NonceSize() {
		return "", errors.New("the TOTP secret is damaged")
	}
	pt, err := aead.Open(nil, nonce, ct, []byte(userAD(userID)))
	if err != nil {
		return "", errSealKey
	}
	return string(pt), nil
}

func userAD(id int64) string { return "user:" + strconv.FormatInt(id, 10) }
