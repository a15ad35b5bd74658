package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"claimdesk/internal/labelled"
	"claimdesk/internal/spot"
)

// checkworthyDir finds shared/data/checkworthy above cwd, or "".
func checkworthyDir(cwd string) string {
	if dir, err := labelled.FindUp(cwd, "shared/data/checkworthy"); err == nil {
		return filepath.Join(dir, "shared/data/checkworthy")
	}
	return ""
}

// printCheckworthy scores the public dev set with the committed model and
// prints F1, precision and recall at the model's threshold and at the
// best threshold, or says why it cannot.
func printCheckworthy(w io.Writer, dir string) {
	fmt.Fprintln(w, "Check-worthiness model on the public CheckThat! 2024 dev set (its threshold was chosen there:")
	fmt.Fprintln(w, "development figures; the 5-fold cross-validated figures on train, recorded by make train, are the honest ones)")
	if dir == "" {
		fmt.Fprintln(w, "  skipped: shared/data/checkworthy not found beside the repository")
		return
	}
	dev, err := labelled.ReadCheckworthy(filepath.Join(dir, "dev.tsv"))
	if err != nil {
		fmt.Fprintf(w, "  skipped: %v\n", err)
		return
	}
	scores := make([]float64, len(dev))
	yes := make([]bool, len(dev))
	for i, s := range dev {
		scores[i], _ = spot.Score(s.Text)
		yes[i] = s.Yes
	}
	t := spot.DefaultThreshold()
	p, r, f := labelled.PRF(scores, yes, t)
	bestT, bestF := 0.0, -1.0
	for i := 1; i < 100; i++ {
		if _, _, f := labelled.PRF(scores, yes, float64(i)/100); f > bestF {
			bestT, bestF = float64(i)/100, f
		}
	}
	fmt.Fprintf(w, "  dev.tsv %d sentences: F1 %.3f  precision %.3f  recall %.3f  at threshold %.2f;  best-threshold F1 %.3f at %.2f\n",
		len(scores), f, p, r, t, bestF, bestT)
}

// printRecordedCV prints the cross-validated figures on the public train
// set that make train recorded beside the committed model
// (internal/spot/model/checkworthy.txt under root): refitting five models
// takes minutes, so eval reads them instead of measuring them again.
func printRecordedCV(w io.Writer, root string) {
	b, err := os.ReadFile(filepath.Join(root, "internal/spot/model/checkworthy.txt"))
	if err != nil {
		fmt.Fprintf(w, "  cross-validated figures on train: %v\n", err)
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "train, out-of-fold") || strings.HasPrefix(line, "threshold (chosen on dev)") {
			fmt.Fprintf(w, "  recorded by make train: %s\n", line)
		}
	}
}
