package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"claimdesk/internal/spot"
)

// runSuggest is `claimdesk suggest [--threshold X] [FILE|-]`: it splits an
// article into sentences and prints them as JSON Lines with their scores,
// speakers and claim spans (see spot.WriteJSONL). Binary input is refused,
// and Ctrl-C stops it while it reads stdin.
func runSuggest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("suggest", stderr)
	threshold := fs.Float64("threshold", spot.DefaultThreshold(), "score at or above which a sentence is marked checkworthy (0 to 1)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *threshold < 0 || *threshold > 1 {
		return fmt.Errorf("--threshold %v: want a number from 0 to 1", *threshold)
	}
	in, inName := stdin, "stdin"
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in, inName = f, name
	}
	body, err := readAll(ctx, in, 64<<20)
	if err != nil {
		return err
	} else if err := checkText(inName, body); err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	if err := spot.WriteJSONL(w, spot.SuggestAt(string(body), *threshold)); err != nil {
		return err
	}
	return w.Flush()
}
