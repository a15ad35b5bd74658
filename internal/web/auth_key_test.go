package web

import (
	"context"
	"strings"
	"testing"
)

// FuzzSignedValue: what sign makes verifies to the same value; anything
// else a client sends (device, pending-login and sign-in cookies) is
// refused without a panic, and a value signed for one purpose does not
// verify for another.
func FuzzSignedValue(f *testing.F) {
	for _, s := range []string{"ed@paper.example|nonce|1700000000", "", ".", "a.b", "x|y|z", "\x00\xff", strings.Repeat("a", 500)} {
		f.Add(s, s)
	}
	k := &keyring{master: []byte("0123456789abcdef0123456789abcdef")}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, value, sent string) {
		if value != "" {
			signed, err := k.sign(ctx, deviceCookie, value)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := k.verify(ctx, deviceCookie, signed); err != nil || got != value {
				t.Fatalf("round trip of %q: %q %v", value, got, err)
			}
			if _, err := k.verify(ctx, pendingCookie, signed); err == nil {
				t.Fatalf("a device cookie verified as a pending login")
			}
		}
		if got, err := k.verify(ctx, deviceCookie, sent); err == nil {
			// Only a value this keyring signed verifies.
			again, _ := k.sign(ctx, deviceCookie, got)
			if again != sent {
				t.Fatalf("%q verified to %q but was not signed here", sent, got)
			}
		}
	})
}

// FuzzRecoveryCodeHash: a code (ASCII, as codes are) typed with other
// case, spaces or dashes hashes like the code itself.
func FuzzRecoveryCodeHash(f *testing.F) {
	f.Add("abcd-efgh-ijkl-mnop")
	f.Fuzz(func(t *testing.T, code string) {
		if strings.IndexFunc(code, func(r rune) bool { return r > 127 }) >= 0 {
			t.Skip("codes are ASCII")
		}
		if hashRecoveryCode(code) != hashRecoveryCode(" "+strings.ToUpper(strings.ReplaceAll(code, "-", " "))+" ") {
			t.Fatalf("%q hashes differently when typed otherwise", code)
		}
	})
}
