// Command spottrain trains the claim spotter's check-worthiness model
// (internal/spot/model/checkworthy.bin) from the public CheckThat! 2024
// Task 1 English sentences in ../shared/data/checkworthy (train.tsv to fit,
// dev.tsv to choose the threshold) and prints the figures it reached:
//
//	go run ./cmd/spottrain                     # or: make train
//	go run ./cmd/spottrain -sweep all          # compare the settings of variants() by cross-validation
//	go run ./cmd/spottrain -sweep nb-0.5,mlp-32
//
// The model is an L2-regularized logistic regression over the spotter's
// named cues and hashed word and character n-grams (see spot.Features),
// fitted by L-BFGS on naive-Bayes-scaled columns (NB-SVM's log-count
// ratios, square-rooted; the scale is folded back into the weights, so
// the model file is a plain linear model). Its scores are calibrated by
// Platt scaling fitted on out-of-fold scores of a 5-fold cross-validation
// on train.tsv; the threshold is the one that maximizes F1 on dev.tsv,
// smoothed over neighbouring thresholds so that a lucky spike is not
// picked, and the report also gives the threshold the cross-validation
// would choose. The cross-validated figures on train are the honest guide:
// the dev set is cleaner than the train labels and was used for the
// threshold. Every step is deterministic: the same data give the same
// model file, bit for bit, and the same report, which is also written
// beside the model (checkworthy.txt) so that a test can check a rebuild
// against it.
//
// It exits 2 when the data are missing, saying where it looked.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"claimdesk/internal/labelled"
	"claimdesk/internal/spot"
)

// config is what a training run depends on besides the data.
type config struct {
	newsWeight float64 // weight of one labelled news sentence against one debate sentence
	set        spot.FeatureSet
	lambda     float64
	posWeight  float64 // weight of a Yes sentence against a No; 0 means 1
	nb         float64 // exponent of the naive-Bayes scaling of the hashed columns; 0 means none
	folds      int
	maxIter    int
	seed       uint64
}

var defaultConfig = config{
	newsWeight: 10,
	set: spot.FeatureSet{HashBits: 18, Family: [spot.NumFamilies]float32{
		spot.FamilyWord: 1, spot.FamilyBigram: 0.7, spot.FamilyChar: 1}},
	lambda: 3e-5, nb: 0.5, folds: 5, maxIter: 300, seed: 13,
}

func main() {
	data := flag.String("data", "", "directory holding train.tsv and dev.tsv (default: shared/data/checkworthy found by walking up from the working directory)")
	out := flag.String("out", "", "model file to write (default: internal/spot/model/checkworthy.bin in the repository)")
	sweep := flag.String("sweep", "", "compare the named settings (comma-separated, or all) by cross-validation instead of writing a model")
	flag.Parse()
	if err := run(os.Stdout, *data, *out, *sweep); err != nil {
		fmt.Fprintln(os.Stderr, "spottrain:", err)
		var missing missingData
		if errors.As(err, &missing) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// missingData reports that the public training data is not there.
type missingData struct{ msg string }

func (e missingData) Error() string { return e.msg }

func run(w io.Writer, data, out string, sweep string) error {
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	if data == "" {
		dir, err := labelled.FindUp(cwd, "shared/data/checkworthy")
		if err != nil {
			return missingData{"the public training data is missing: no shared/data/checkworthy (train.tsv, dev.tsv) beside the repository or above it; pass -data DIR"}
		}
		data = filepath.Join(dir, "shared/data/checkworthy")
	}
	train, err := readSentences(filepath.Join(data, "train.tsv"))
	if err != nil {
		return missingData{fmt.Sprintf("cannot read the training data: %v", err)}
	}
	dev, err := readSentences(filepath.Join(data, "dev.tsv"))
	if err != nil {
		return missingData{fmt.Sprintf("cannot read the development data: %v", err)}
	}
	root, err := labelled.FindUp(cwd, "internal/spot/testdata/eval")
	if err != nil {
		return fmt.Errorf("run me inside the claimdesk repository: %w", err)
	}
	articles := filepath.Join(filepath.Dir(filepath.Dir(data)), "articles")
	news, err := readNews(filepath.Join(root, "internal/spot/testdata/eval"), articles)
	if err != nil {
		return missingData{fmt.Sprintf("cannot read the labelled news articles: %v", err)}
	}
	if sweep != "" {
		if sweep == "all" {
			sweep = ""
		}
		return runSweep(w, train, news, dev, sweep)
	}
	m, report := trainModel(defaultConfig, train, news, dev)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	report += fmt.Sprintf("model: %d bytes, sha256 %s\n", buf.Len(), hex.EncodeToString(sum[:]))
	if out == "" {
		root, err := labelled.FindUp(cwd, "internal/spot/model")
		if err != nil {
			return fmt.Errorf("run me inside the claimdesk repository or pass -out: %w", err)
		}
		out = filepath.Join(root, "internal/spot/model/checkworthy.bin")
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(strings.TrimSuffix(out, ".bin")+".txt", []byte(report), 0o644); err != nil {
		return err
	}
	fmt.Fprint(w, report)
	fmt.Fprintf(w, "wrote %s\n", out)
	return nil
}

// example is one labelled sentence.
type example struct {
	text   string
	yes    bool
	weight float64 // relative to a debate sentence; 0 means 1
}

// dataset is a labelled set turned into features.
type dataset struct {
	x  *matrix
	y  []bool
	sw []float64
}

func featurize(cfg config, ex []example) dataset {
	rows := make([][]spot.Feature, len(ex))
	y := make([]bool, len(ex))
	sw := make([]float64, len(ex))
	for i, e := range ex {
		rows[i] = spot.Features(e.text, cfg.set)
		y[i] = e.yes
		sw[i] = 1
		if e.weight > 0 {
			sw[i] = e.weight * cfg.newsWeight
		}
	}
	return dataset{newMatrix(cfg.set.Dim(), rows), y, sw}
}

// crossValidate returns the out-of-fold raw score of every row of tr:
// the rows are shuffled with cfg.seed and dealt into cfg.folds folds, and
// each fold is scored by a model fitted on the others.
func crossValidate(cfg config, tr dataset) []float64 {
	return crossValidateWith(cfg, tr, func(use []int) func(i int) float64 {
		w, b := fit(cfg, tr, use)
		return func(i int) float64 { return tr.x.dot(i, w, b) }
	})
}

// crossValidateWith is crossValidate for any learner: fitOn trains on the
// rows it is given and returns the raw scorer of a row.
func crossValidateWith(cfg config, tr dataset, fitOn func(use []int) func(i int) float64) []float64 {
	order := make([]int, tr.x.rows())
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x5eed))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	oof := make([]float64, len(order))
	for k := 0; k < cfg.folds; k++ {
		var use, held []int
		for pos, i := range order {
			if pos%cfg.folds == k {
				held = append(held, i)
			} else {
				use = append(use, i)
			}
		}
		slices.Sort(use)
		score := fitOn(use)
		for _, i := range held {
			oof[i] = score(i)
		}
	}
	return oof
}

// trainModel fits the model on train, calibrates it by cross-validation on
// train, chooses the threshold on dev and returns the model with a report
// of the figures.
func trainModel(cfg config, debates, news, dev []example) (*spot.Model, string) {
	train := append(slices.Clip(debates), news...)
	tr := featurize(cfg, train)
	dv := featurize(cfg, dev)

	// Out-of-fold raw scores for calibration.
	oof := crossValidate(cfg, tr)
	// Calibrate on the public sentences only: the probabilities are meant
	// for that distribution, and the few news sentences are weighted.
	nd := len(debates)
	calA, calB := platt(oof[:nd], tr.y[:nd])

	w, b := fit(cfg, tr, nil)
	m := &spot.Model{FeatureSet: cfg.set, Weights: make([]float32, len(w)), Bias: b, CalA: calA, CalB: calB}
	for i, v := range w {
		m.Weights[i] = float32(v)
	}
	devP := probs(m, dv.x)
	m.Threshold = chooseThreshold(devP, dv.y)

	oofP := make([]float64, nd)
	for i, z := range oof[:nd] {
		oofP[i] = m.Prob(z)
	}
	var r strings.Builder
	fmt.Fprintf(&r, "check-worthiness model: logistic regression, %d cues + 2^%d hashed n-grams (family weights word %g, bigram %g, trigram %g, char %g), naive-Bayes scaling ^%g, L2 %g, Platt scaling from %d-fold cross-validation\n",
		spot.NumCues, cfg.set.HashBits, cfg.set.Family[spot.FamilyWord], cfg.set.Family[spot.FamilyBigram],
		cfg.set.Family[spot.FamilyTrigram], cfg.set.Family[spot.FamilyChar], cfg.nb, cfg.lambda, cfg.folds)
	fmt.Fprintf(&r, "data: train.tsv %d sentences (%d Yes), dev.tsv %d sentences (%d Yes), news %d sentences (shared + own-train labels, weight %g each)\n",
		nd, count(tr.y[:nd]), len(dev), count(dv.y), len(news), cfg.newsWeight)
	fmt.Fprintf(&r, "calibration: p = sigmoid(%.4f*z %+.4f)\n", calA, calB)
	cvT := chooseThreshold(oofP, tr.y[:nd])
	fmt.Fprintf(&r, "threshold (chosen on dev): %.2f; the threshold cross-validation on train would choose: %.2f\n", m.Threshold, cvT)
	writeFigures(&r, "dev (public development set; the threshold was chosen on it)", devP, dv.y, m.Threshold)
	writeFigures(&r, "train, out-of-fold (5-fold cross-validation)", oofP, tr.y[:nd], m.Threshold)
	writeFigures(&r, "train, out-of-fold, at the threshold cross-validation would choose", oofP, tr.y[:nd], cvT)
	fmt.Fprintf(&r, "cues (weight per unit of strength):")
	for i := 0; i < spot.NumCues; i++ {
		fmt.Fprintf(&r, " %s %+.2f", spot.CueName(i), m.Weights[i])
	}
	fmt.Fprintln(&r)
	return m, r.String()
}

func count(y []bool) int {
	n := 0
	for _, v := range y {
		if v {
			n++
		}
	}
	return n
}

func probs(m *spot.Model, x *matrix) []float64 {
	w := make([]float64, len(m.Weights))
	for i, v := range m.Weights {
		w[i] = float64(v)
	}
	p := make([]float64, x.rows())
	for i := range p {
		p[i] = m.Prob(x.dot(i, w, m.Bias))
	}
	return p
}

// chooseThreshold returns the threshold on a 0.01 grid whose F1, averaged
// with its neighbours 0.02 either side, is highest.
func chooseThreshold(p []float64, y []bool) float64 {
	f := make([]float64, 101)
	for i := range f {
		_, _, f[i] = labelled.PRF(p, y, float64(i)/100)
	}
	best, bestF := 0.5, -1.0
	for i := 5; i <= 95; i++ {
		s := 0.0
		for j := i - 2; j <= i+2; j++ {
			s += f[j]
		}
		if s > bestF+1e-12 {
			best, bestF = float64(i)/100, s
		}
	}
	return best
}

// averagePrecision is the mean of the precision at each positive, ranked
// by p (ties broken by index).
func averagePrecision(p []float64, y []bool) float64 {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case p[a] > p[b]:
			return -1
		case p[a] < p[b]:
			return 1
		}
		return 0
	})
	hits, sum := 0, 0.0
	for rank, i := range idx {
		if y[i] {
			hits++
			sum += float64(hits) / float64(rank+1)
		}
	}
	if hits == 0 {
		return 0
	}
	return sum / float64(hits)
}

// brier is the mean squared error of the probabilities, a check that they
// are calibrated.
func brier(p []float64, y []bool) float64 {
	s := 0.0
	for i, v := range p {
		t := 0.0
		if y[i] {
			t = 1
		}
		s += (v - t) * (v - t)
	}
	return s / float64(len(p))
}

func writeFigures(w io.Writer, name string, p []float64, y []bool, t float64) {
	prec, rec, f1 := labelled.PRF(p, y, t)
	bestT, bestF := 0.0, -1.0
	for i := 1; i < 100; i++ {
		if _, _, f := labelled.PRF(p, y, float64(i)/100); f > bestF {
			bestT, bestF = float64(i)/100, f
		}
	}
	mean := 0.0
	for _, v := range p {
		mean += v
	}
	mean /= float64(len(p))
	fmt.Fprintf(w, "%s: F1 %.3f precision %.3f recall %.3f at %.2f; best-threshold F1 %.3f at %.2f; average precision %.3f; Brier %.4f; mean score %.3f vs Yes share %.3f\n",
		name, f1, prec, rec, t, bestF, bestT, averagePrecision(p, y), brier(p, y), mean, float64(count(y))/float64(len(y)))
}

func logLoss(p []float64, y []bool) float64 {
	s := 0.0
	for i, v := range p {
		v = math.Min(math.Max(v, 1e-12), 1-1e-12)
		if y[i] {
			s -= math.Log(v)
		} else {
			s -= math.Log(1 - v)
		}
	}
	return s / float64(len(p))
}

// readNews reads the labelled news sentences that the spotter may be
// trained on: the own-train articles under testdata/eval and the shared
// articles (labels stored as offsets). Held-out corpora (own-test,
// blind) are never read. Label 2 is a claim, 1 a minor fact (a claim at
// half weight), 0 no claim.
func readNews(evalDir, articles string) ([]example, error) {
	var out []example
	for _, src := range []struct{ labels, base string }{
		{filepath.Join(evalDir, "shared-labels.tsv"), articles},
		{filepath.Join(evalDir, "own-train-labels.tsv"), evalDir},
	} {
		b, err := os.ReadFile(src.labels)
		if err != nil {
			return nil, err
		}
		texts := map[string]string{}
		for n, line := range strings.Split(string(b), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			cols := strings.Split(line, "\t")
			if len(cols) < 4 {
				return nil, fmt.Errorf("%s:%d: want file, start, end, label", src.labels, n+1)
			}
			text, ok := texts[cols[0]]
			if !ok {
				tb, err := os.ReadFile(filepath.Join(src.base, filepath.FromSlash(cols[0])))
				if err != nil {
					return nil, err
				}
				text = string(tb)
				texts[cols[0]] = text
			}
			var start, end, label int
			if _, err := fmt.Sscan(cols[1], &start); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", src.labels, n+1, err)
			}
			if _, err := fmt.Sscan(cols[2], &end); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", src.labels, n+1, err)
			}
			if _, err := fmt.Sscan(cols[3], &label); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", src.labels, n+1, err)
			}
			if start < 0 || end > len(text) || start >= end {
				return nil, fmt.Errorf("%s:%d: span out of range (has the article changed?)", src.labels, n+1)
			}
			e := example{text: text[start:end], yes: label >= 1, weight: 1}
			if label == 1 {
				e.weight = 0.5
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// readSentences reads a public check-worthiness file as examples.
func readSentences(path string) ([]example, error) {
	ss, err := labelled.ReadCheckworthy(path)
	out := make([]example, len(ss))
	for i, s := range ss {
		out[i] = example{text: s.Text, yes: s.Yes}
	}
	return out, err
}
