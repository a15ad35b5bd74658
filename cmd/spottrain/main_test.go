package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"claimdesk/internal/labelled"
	"claimdesk/internal/spot"
)

// sharedData returns the public data directories, or skips the test when
// ../shared is not beside the repository (a fresh clone has none).
func sharedData(t *testing.T) (data, articles, evalDir string) {
	t.Helper()
	cwd, _ := os.Getwd()
	dir, err := labelled.FindUp(cwd, "shared/data/checkworthy")
	if err != nil {
		t.Skip("skipped: ../shared/data/checkworthy (the public training data) is not beside the repository")
	}
	root, err := labelled.FindUp(cwd, "internal/spot/testdata/eval")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "shared/data/checkworthy"), filepath.Join(dir, "shared/articles"),
		filepath.Join(root, "internal/spot/testdata/eval")
}

func committedReport(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../internal/spot/model/checkworthy.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCommittedModelDevFigures scores the public dev set with the
// committed model and checks the figures against those make train
// recorded when it built the model.
func TestCommittedModelDevFigures(t *testing.T) {
	data, _, _ := sharedData(t)
	dev, err := readSentences(filepath.Join(data, "dev.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	m := spot.DefaultModel()
	cfg := defaultConfig
	dv := featurize(cfg, dev)
	var line strings.Builder
	writeFigures(&line, "dev (public development set; the threshold was chosen on it)", probs(m, dv.x), dv.y, m.Threshold)
	if !strings.Contains(committedReport(t), line.String()) {
		t.Errorf("committed model on dev.tsv:\n%s\nnot in internal/spot/model/checkworthy.txt:\n%s", line.String(), committedReport(t))
	}
	// Suggest's scores are the model's: the feature path used by the
	// trainer and by Score must agree.
	for _, e := range dev[:20] {
		s, _ := spot.Score(e.text)
		p := m.Prob(m.Raw(spot.Features(e.text, m.FeatureSet)))
		if s != p {
			t.Fatalf("Score(%q) = %v, model on Features = %v", e.text, s, p)
		}
	}
}

// TestTrainReproducesModel is make train in-process: from the public
// data it must rebuild the committed model bit for bit and print the
// committed figures. It takes about a minute, so -short skips it.
func TestTrainReproducesModel(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: retraining takes about a minute")
	}
	data, articles, evalDir := sharedData(t)
	train, err := readSentences(filepath.Join(data, "train.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	dev, err := readSentences(filepath.Join(data, "dev.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	news, err := readNews(evalDir, articles)
	if err != nil {
		t.Fatal(err)
	}
	m, report := trainModel(defaultConfig, train, news, dev)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../internal/spot/model/checkworthy.bin")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Error("retraining gave a model that differs from internal/spot/model/checkworthy.bin")
	}
	if !strings.HasPrefix(committedReport(t), report) {
		t.Errorf("retraining printed\n%s\nwant the committed report\n%s", report, committedReport(t))
	}
}

func TestMissingDataIsSaid(t *testing.T) {
	var out bytes.Buffer
	err := run(&out, filepath.Join(t.TempDir(), "nowhere"), "", "")
	if _, ok := err.(missingData); !ok || !strings.Contains(err.Error(), "training data") {
		t.Errorf("run with missing data = %v, want a missingData error that names the training data", err)
	}
}

func TestReadTSVRepairsGluedRows(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.tsv")
	body := "Sentence_id\tText\tclass_label\n1\t\"He said \"\"no\"\".\"\tNo2\tIt rose 5%.\tYes\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	ex, err := readSentences(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 || ex[0].text != `He said "no".` || ex[0].yes || ex[1].text != "It rose 5%." || !ex[1].yes {
		t.Errorf("readTSV = %+v", ex)
	}
}
