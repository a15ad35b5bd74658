package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"claimdesk/internal/spot"
)

// checkworthyDir finds shared/data/checkworthy above cwd, or "".
func checkworthyDir(cwd string) string {
	if dir, err := findUp(cwd, "shared/data/checkworthy"); err == nil {
		return filepath.Join(dir, "shared/data/checkworthy")
	}
	return ""
}

// printCheckworthy scores the public dev set with the committed model and
// prints F1, precision and recall at the model's threshold and at the
// best threshold, or says why it cannot.
func printCheckworthy(w io.Writer, dir string) {
	fmt.Fprintln(w, "Check-worthiness model on the public CheckThat! 2024 dev set (its threshold was chosen there:")
	fmt.Fprintln(w, "development figures; cmd/spottrain prints the cross-validated figures on train)")
	if dir == "" {
		fmt.Fprintln(w, "  skipped: shared/data/checkworthy not found beside the repository")
		return
	}
	b, err := os.ReadFile(filepath.Join(dir, "dev.tsv"))
	if err != nil {
		fmt.Fprintf(w, "  skipped: %v\n", err)
		return
	}
	var scores []float64
	var yes []bool
	for i, line := range strings.Split(string(b), "\n") {
		cols := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if i == 0 || len(cols) != 3 || cols[2] != "Yes" && cols[2] != "No" {
			continue
		}
		text := cols[1]
		if len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"' {
			text = strings.ReplaceAll(text[1:len(text)-1], `""`, `"`)
		}
		s, _ := spot.Score(text)
		scores = append(scores, s)
		yes = append(yes, cols[2] == "Yes")
	}
	t := spot.DefaultThreshold()
	p, r, f := prf(scores, yes, t)
	bestT, bestF := 0.0, -1.0
	for i := 1; i < 100; i++ {
		if _, _, f := prf(scores, yes, float64(i)/100); f > bestF {
			bestT, bestF = float64(i)/100, f
		}
	}
	fmt.Fprintf(w, "  dev.tsv %d sentences: F1 %.3f  precision %.3f  recall %.3f  at threshold %.2f;  best-threshold F1 %.3f at %.2f\n",
		len(scores), f, p, r, t, bestF, bestT)
}

func prf(p []float64, y []bool, t float64) (prec, rec, f1 float64) {
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
	prec = float64(tp) / float64(tp+fp)
	rec = float64(tp) / float64(tp+fn)
	return prec, rec, 2 * prec * rec / (prec + rec)
}
