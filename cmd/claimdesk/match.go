package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"claimdesk/internal/match"
)

// matchInput is the file `claimdesk match` reads.
type matchInput struct {
	Claims []struct {
		ID    jsonID `json:"id"`
		Text  string `json:"text"`
		Title string `json:"title"`
	} `json:"claims"`
	Queries []struct {
		ID   jsonID `json:"id"`
		Text string `json:"text"`
	} `json:"queries"`
}

// matchLine is one line `claimdesk match` prints.
type matchLine struct {
	Query  string   `json:"query"`
	Ranked []string `json:"ranked"`
}

// jsonID is an id given as a JSON string or number, kept as written:
// "a7" stays a7, 42 stays 42.
type jsonID string

func (id *jsonID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = jsonID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("an id must be a string or a number")
	}
	*id = jsonID(n.String())
	return nil
}

// runMatch is `claimdesk match [--k N] FILE|-`: it ranks the claims of
// FILE for each of its queries with the "Already checked?" matcher and
// prints one JSON line per query, in input order, with the ids of the
// best claims first (up to N, default 10, whatever their score).
func runMatch(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("match", stderr)
	k := fs.Int("k", 10, "how many claims to rank per query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(`match needs one FILE (or - for stdin) holding {"claims":[{"id","text","title"}],"queries":[{"id","text"}]}`)
	}
	if *k < 1 {
		return fmt.Errorf("--k %d: want at least 1", *k)
	}
	in := stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	var data matchInput
	dec := json.NewDecoder(io.LimitReader(in, 1<<30))
	if err := dec.Decode(&data); err != nil {
		return fmt.Errorf("match: reading the file: %w", err)
	}
	x := match.NewIndex()
	ids := make([]string, len(data.Claims))
	for i, c := range data.Claims {
		if c.ID == "" {
			return fmt.Errorf("match: claim %d has no id", i+1)
		}
		ids[i] = string(c.ID)
		x.Add(match.Doc{ID: int64(i), Statement: c.Text, Title: c.Title})
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i, q := range data.Queries {
		if q.ID == "" {
			return fmt.Errorf("match: query %d has no id", i+1)
		}
		line := matchLine{Query: string(q.ID), Ranked: []string{}}
		for _, r := range x.Rank(q.Text, *k) {
			line.Ranked = append(line.Ranked, ids[r.ID])
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return w.Flush()
}
