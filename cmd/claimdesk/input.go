package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// Reads from stdin run in a goroutine and the command waits for either the
// input or ctx: a read blocked on a terminal or an idle pipe does not see
// signals, and Ctrl-C or SIGTERM must still stop the command at once.

// readAll reads r to the end (at most limit bytes), or returns ctx.Err()
// when ctx ends first.
func readAll(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(r, limit))
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readPassword reads a password for a command. On a terminal it prints
// prompt to stderr and reads without echo, twice when confirm is set
// ("again"), restoring the terminal if ctx ends first. Otherwise it reads
// the first line of stdin (a pipe or a file), without its line end.
func readPassword(ctx context.Context, stdin io.Reader, stderr io.Writer, prompt string, confirm bool) (string, error) {
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return readLine(ctx, stdin)
	}
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(stderr, prompt)
		type result struct {
			b   []byte
			err error
		}
		done := make(chan result, 1)
		go func() {
			b, err := term.ReadPassword(fd)
			done <- result{b, err}
		}()
		select {
		case res := <-done:
			fmt.Fprintln(stderr)
			return string(res.b), res.err
		case <-ctx.Done():
			term.Restore(fd, state) // echo back on before the process exits
			fmt.Fprintln(stderr)
			return "", ctx.Err()
		}
	}
	pw, err := ask(prompt)
	if err != nil || !confirm {
		return pw, err
	}
	again, err := ask("Again: ")
	if err != nil {
		return "", err
	} else if again != pw {
		return "", errors.New("the two passwords differ; nothing was changed")
	}
	return pw, nil
}

// readLine reads one line of r without its line end, or returns
// ctx.Err() when ctx ends first.
func readLine(ctx context.Context, r io.Reader) (string, error) {
	type result struct {
		s   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := bufio.NewReader(r).ReadString('\n')
		if errors.Is(err, io.EOF) {
			err = nil
		}
		done <- result{strings.TrimRight(s, "\r\n"), err}
	}()
	select {
	case res := <-done:
		return res.s, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// checkText refuses input that is not text: any NUL byte, or more than
// one byte in ten that is neither valid UTF-8 nor ordinary whitespace
// (text in a legacy 8-bit encoding stays well under that and is accepted;
// the splitter copes with damaged encoding). name says where it came from.
func checkText(name string, b []byte) error {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return fmt.Errorf("%s looks like binary data, not text (a NUL byte at offset %d); give suggest the article as UTF-8 text", name, i)
	}
	bad := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 || r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' && r != '\v' {
			bad++
		}
		i += size
	}
	if len(b) > 0 && bad*10 > len(b) {
		return fmt.Errorf("%s looks like binary data, not text (%d of %d bytes are not valid UTF-8 text); give suggest the article as UTF-8 text", name, bad, len(b))
	}
	return nil
}
