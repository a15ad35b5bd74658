// Package labelled reads the public labelled data the spotter is trained
// and measured on (../shared/data beside the repository) and scores
// predictions against labels. Only the training and evaluation programs
// use it; the desk never reads the data.
package labelled

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// FindUp walks up from dir to the first directory holding rel and returns
// that directory; rel is e.g. "shared/data/checkworthy".
func FindUp(dir, rel string) (string, error) {
	for {
		if fi, err := os.Stat(filepath.Join(dir, rel)); err == nil && fi.IsDir() {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found above %s", rel, dir)
		}
		dir = parent
	}
}

// Sentence is one labelled check-worthiness sentence.
type Sentence struct {
	Text string
	Yes  bool // a factual claim worth checking
}

// glued matches a row whose line break was lost in the published file:
// "…\tNo12345\t…" is two rows.
var glued = regexp.MustCompile(`\t(Yes|No)([0-9]+)\t`)

// ReadCheckworthy reads a CheckThat! check-worthiness file: a header, then
// Sentence_id, Text, class_label (Yes or No) rows, tab-separated. Texts
// quoted the CSV way ("…""…""…") are unquoted, and rows glued together by a
// lost line break are split again. It fails on a row it cannot read.
func ReadCheckworthy(path string) ([]Sentence, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := glued.ReplaceAllString(strings.ReplaceAll(string(b), "\r\n", "\n"), "\t$1\n$2\t")
	var out []Sentence
	for i, line := range strings.Split(s, "\n") {
		if i == 0 || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			return nil, fmt.Errorf("%s:%d: want 3 tab-separated columns, got %d", path, i+1, len(cols))
		}
		text := cols[1]
		if len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"' {
			text = strings.ReplaceAll(text[1:len(text)-1], `""`, `"`)
		}
		switch cols[2] {
		case "Yes", "No":
			out = append(out, Sentence{Text: text, Yes: cols[2] == "Yes"})
		default:
			return nil, fmt.Errorf("%s:%d: label %q is neither Yes nor No", path, i+1, cols[2])
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return out, nil
}

// PRF returns precision, recall and F1 of "p[i] >= t" against y; all
// three are 0 when nothing is found.
func PRF(p []float64, y []bool, t float64) (precision, recall, f1 float64) {
	tp, fp, fn := 0, 0, 0
	for i, v := range p {
		switch {
		case v >= t && y[i]:
			tp++
		case v >= t:
			fp++
		case y[i]:
			fn++
		}
	}
	if tp == 0 {
		return 0, 0, 0
	}
	precision = float64(tp) / float64(tp+fp)
	recall = float64(tp) / float64(tp+fn)
	return precision, recall, 2 * precision * recall / (precision + recall)
}
