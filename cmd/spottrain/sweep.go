package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"claimdesk/internal/labelled"
	"claimdesk/internal/spot"
)

// variant is one setting compared by -sweep.
type variant struct {
	name   string
	cfg    config
	claims float64    // weight of the fact-checked claims of the 2B collection as extra Yes sentences
	mlp    *mlpConfig // a network instead of the logistic regression, and their average
}

// variants returns the settings -sweep compares, each a change of
// defaultConfig; a network variant is printed alone and averaged with the
// regression in logit space ("+lr").
func variants() []variant {
	with := func(name string, change func(c *config)) variant {
		c := defaultConfig
		change(&c)
		return variant{name: name, cfg: c}
	}
	withMLP := func(name string, m mlpConfig) variant {
		return variant{name: name, cfg: defaultConfig, mlp: &m}
	}
	return []variant{
		with("default", func(c *config) {}),
		with("no-nb", func(c *config) { c.nb = 0 }), // the model before naive-Bayes scaling
		with("nb-1", func(c *config) { c.nb = 1 }),
		with("lambda-1e-5", func(c *config) { c.lambda = 1e-5 }),
		with("lambda-1e-4", func(c *config) { c.lambda = 1e-4 }),
		with("pos-2", func(c *config) { c.posWeight = 2 }),
		with("trigram-0.5", func(c *config) { c.set.Family[spot.FamilyTrigram] = 0.5 }),
		with("bigram-1", func(c *config) { c.set.Family[spot.FamilyBigram] = 1 }),
		with("char-1.5", func(c *config) { c.set.Family[spot.FamilyChar] = 1.5 }),
		with("bits-20", func(c *config) { c.set.HashBits = 20 }),
		with("news-0", func(c *config) { c.newsWeight = 0 }),
		{name: "claims-0.3", cfg: defaultConfig, claims: 0.3},
		{name: "claims-1", cfg: defaultConfig, claims: 1},
		withMLP("mlp-32", mlpConfig{hidden: 32, epochs: 10, lr: 0.05, l2: 1e-4, seed: 7}),
		withMLP("mlp-32-e4", mlpConfig{hidden: 32, epochs: 4, lr: 0.05, l2: 1e-4, seed: 7}),
		withMLP("mlp-16-e3-lr.2", mlpConfig{hidden: 16, epochs: 3, lr: 0.2, l2: 1e-4, seed: 7}),
	}
}

// runSweep prints the cross-validated figures on train (and dev figures)
// of the variants named in only (all when empty); it writes no model.
func runSweep(w io.Writer, debates, news, dev []example, only string) error {
	names := strings.Split(only, ",")
	type lrRun struct{ oof, dev []float64 }
	lrDone := map[string]lrRun{} // logistic regressions by the variant's config, for the networks
	for _, v := range variants() {
		if only != "" && !slices.Contains(names, v.name) {
			continue
		}
		start := time.Now()
		cfg := v.cfg
		extra := news
		if v.claims > 0 {
			cl, err := readClaims(v.claims / cfg.newsWeight)
			if err != nil {
				return err
			}
			extra = append(slices.Clip(news), cl...)
		}
		tr := featurize(cfg, append(slices.Clip(debates), extra...))
		dv := featurize(cfg, dev)
		nd := len(debates)
		key := fmt.Sprintf("%+v %v", cfg, v.claims)
		run, ok := lrDone[key]
		if !ok {
			run.oof = crossValidate(cfg, tr)[:nd]
			wv, b := fit(cfg, tr, nil)
			run.dev = make([]float64, dv.x.rows())
			for i := range run.dev {
				run.dev[i] = dv.x.dot(i, wv, b)
			}
			lrDone[key] = run
		}
		oof, z := run.oof, run.dev
		if v.mlp == nil {
			printCV(w, v.name, oof, tr.y[:nd], z, dv.y, start)
			continue
		}
		mc := *v.mlp
		moof := crossValidateWith(cfg, tr, func(use []int) func(i int) float64 {
			n := trainMLP(mc, tr.x, tr.y, tr.sw, use)
			h := make([]float32, mc.hidden)
			return func(i int) float64 { return n.raw(tr.x, i, h) }
		})[:nd]
		n := trainMLP(mc, tr.x, tr.y, tr.sw, nil)
		h := make([]float32, mc.hidden)
		mz := make([]float64, dv.x.rows())
		for i := range mz {
			mz[i] = n.raw(dv.x, i, h)
		}
		printCV(w, v.name, moof, tr.y[:nd], mz, dv.y, start)
		avg := func(a, b []float64) []float64 {
			c := make([]float64, len(a))
			for i := range a {
				c[i] = (a[i] + b[i]) / 2
			}
			return c
		}
		printCV(w, v.name+"+lr", avg(oof, moof), tr.y[:nd], avg(z, mz), dv.y, start)
	}
	return nil
}

func printCV(w io.Writer, name string, oof []float64, y []bool, dev []float64, devY []bool, start time.Time) {
	f, p, r := bestF1(oof, y)
	df, _, _ := bestF1(dev, devY)
	fmt.Fprintf(w, "%-16s CV F1 %.3f (P %.3f R %.3f) AP %.3f | dev F1 %.3f AP %.3f | %v\n",
		name, f, p, r, averagePrecision(oof, y), df, averagePrecision(dev, devY), time.Since(start).Round(time.Second))
}

// bestF1 returns the highest F1 over every cut-off of the scores, with its
// precision and recall.
func bestF1(score []float64, y []bool) (f1, precision, recall float64) {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case score[a] > score[b]:
			return -1
		case score[a] < score[b]:
			return 1
		}
		return 0
	})
	pos := count(y)
	tp := 0
	for k, i := range idx {
		if y[i] {
			tp++
		}
		if k+1 < len(idx) && score[idx[k+1]] == score[i] {
			continue
		}
		p, r := float64(tp)/float64(k+1), float64(tp)/float64(pos)
		if p+r > 0 && 2*p*r/(p+r) > f1 {
			f1, precision, recall = 2*p*r/(p+r), p, r
		}
	}
	return f1, precision, recall
}

// readClaims reads the fact-checked claims of the CheckThat! 2022 2B
// collection as Yes examples of the given weight, with "Says" and
// quotation marks taken off.
func readClaims(weight float64) ([]example, error) {
	cwd, _ := os.Getwd()
	dir, err := labelled.FindUp(cwd, "shared/data/matching")
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "shared/data/matching/ct22_2b_vclaims.tsv"))
	if err != nil {
		return nil, err
	}
	var out []example
	for i, line := range strings.Split(string(b), "\n") {
		cols := strings.Split(line, "\t")
		if i == 0 || len(cols) < 2 {
			continue
		}
		t := strings.NewReplacer("\"\"", "", "\"", "", "“", "", "”", "").Replace(cols[1])
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "Says "))
		if t != "" {
			out = append(out, example{text: t, yes: true, weight: weight})
		}
	}
	return out, nil
}
