package spot

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// TestModelLoads checks the committed model file: it parses, it has the
// shape the code expects, and writing it back gives the same bytes.
func TestModelLoads(t *testing.T) {
	start := time.Now()
	m, err := ReadModel(checkworthyModel)
	if err != nil {
		t.Fatalf("committed model: %v", err)
	}
	t.Logf("parsed %d bytes in %v", len(checkworthyModel), time.Since(start))
	if m.Threshold <= 0 || m.Threshold >= 1 || m.CalA <= 0 {
		t.Errorf("threshold %v, calibration slope %v: want a cut-off in (0,1) and a positive slope", m.Threshold, m.CalA)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), checkworthyModel) {
		t.Error("writing the parsed model back changed its bytes")
	}
}

// TestModelDeterministic scores known sentences with the shared model and
// with a second, independent parse of the same file: every score and
// reason must agree, on every run.
func TestModelDeterministic(t *testing.T) {
	other, err := ReadModel(checkworthyModel)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"Exports fell 8.2% in October from a year earlier, the statistics agency said.",
		"I think the government should resign.",
		"Neither Russia nor the United States has ratified the Mine Ban Treaty.",
		"Policy Background",
		"",
	} {
		a, ra := Score(s)
		b, rb := other.Score(s)
		a2, _ := DefaultModel().Score(s)
		if a != b || a != a2 || len(ra) != len(rb) {
			t.Errorf("Score(%q): %v %v vs %v %v vs %v", s, a, ra, b, rb, a2)
		}
		for i := range ra {
			if ra[i] != rb[i] {
				t.Errorf("Score(%q) reasons %v vs %v", s, ra, rb)
			}
		}
	}
}

func TestReadModelRejects(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":     nil,
		"magic":     []byte("not a model at all, not a model at all, not a model"),
		"truncated": checkworthyModel[:len(checkworthyModel)-4],
	} {
		if _, err := ReadModel(b); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: ReadModel = %v, want ErrBadModel", name, err)
		}
	}
}

func BenchmarkModelLoad(b *testing.B) {
	for b.Loop() {
		if _, err := ReadModel(checkworthyModel); err != nil {
			b.Fatal(err)
		}
	}
}
