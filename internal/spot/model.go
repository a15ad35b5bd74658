package spot

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// Model is a trained check-worthiness model: a logistic regression over
// Features, whose raw score z = Bias + Σ w·x becomes a calibrated
// probability sigmoid(CalA·z + CalB). Threshold is the probability at or
// above which a sentence counts as check-worthy. A Model is read-only once
// built and safe for concurrent use.
type Model struct {
	FeatureSet FeatureSet
	Weights    []float32 // FeatureSet.Dim() weights
	Bias       float64
	CalA       float64 // Platt scaling of the raw score
	CalB       float64
	Threshold  float64
}

// modelMagic opens every model file; the digit is the format version.
const modelMagic = "claimdesk-spot-model-2\n"

// Raw returns the model's uncalibrated score (the logit) of a feature
// vector. Indexes beyond the model's dimension are ignored.
func (m *Model) Raw(fs []Feature) float64 {
	z := m.Bias
	for _, f := range fs {
		if int(f.Index) < len(m.Weights) {
			z += float64(m.Weights[f.Index]) * float64(f.Value)
		}
	}
	return z
}

// Prob returns the calibrated probability for a raw score.
func (m *Model) Prob(z float64) float64 {
	return sigmoid(m.CalA*z + m.CalB)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// WriteTo writes m in the model file format: the magic line, then
// little-endian HashBits, NumCues and NumFamilies as uint32, the family
// weights as float32, Bias, CalA, CalB and Threshold as float64, and the
// weights as float32.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	if len(m.Weights) != m.FeatureSet.Dim() {
		return 0, fmt.Errorf("spot: model has %d weights, want %d", len(m.Weights), m.FeatureSet.Dim())
	}
	buf := make([]byte, 0, len(modelMagic)+12+4*NumFamilies+32+4*len(m.Weights))
	buf = append(buf, modelMagic...)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(m.FeatureSet.HashBits))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(NumCues))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(NumFamilies))
	for _, v := range m.FeatureSet.Family {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	for _, v := range []float64{m.Bias, m.CalA, m.CalB, m.Threshold} {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	for _, v := range m.Weights {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	n, err := w.Write(buf)
	return int64(n), err
}

// ErrBadModel is returned by ReadModel for data that is not a model file
// of this version or that was written for another set of cue features.
var ErrBadModel = errors.New("spot: not a model file of this version")

// ReadModel parses a model file written by (*Model).WriteTo. It returns
// ErrBadModel (possibly wrapped) on any mismatch; it never panics.
func ReadModel(b []byte) (*Model, error) {
	const head = 12 + 4*NumFamilies + 32
	if len(b) < len(modelMagic)+head || string(b[:len(modelMagic)]) != modelMagic {
		return nil, ErrBadModel
	}
	b = b[len(modelMagic):]
	bits := binary.LittleEndian.Uint32(b)
	ncues := binary.LittleEndian.Uint32(b[4:])
	nfam := binary.LittleEndian.Uint32(b[8:])
	if bits < 4 || bits > 26 || ncues != uint32(NumCues) || nfam != uint32(NumFamilies) {
		return nil, fmt.Errorf("%w (hash bits %d, %d cues, %d families; want %d cues, %d families)",
			ErrBadModel, bits, ncues, nfam, NumCues, NumFamilies)
	}
	m := &Model{FeatureSet: FeatureSet{HashBits: uint(bits)}}
	b = b[12:]
	for i := range m.FeatureSet.Family {
		m.FeatureSet.Family[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	b = b[4*NumFamilies:]
	f := func(i int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])) }
	m.Bias, m.CalA, m.CalB, m.Threshold = f(0), f(1), f(2), f(3)
	b = b[32:]
	n := m.FeatureSet.Dim()
	if len(b) != 4*n {
		return nil, fmt.Errorf("%w (%d bytes of weights, want %d)", ErrBadModel, len(b), 4*n)
	}
	m.Weights = make([]float32, n)
	for i := range m.Weights {
		m.Weights[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return m, nil
}

// checkworthyModel is the committed model, rebuilt by `make train`
// (cmd/spottrain) from the public CheckThat! 2024 training sentences.
//
//go:embed model/checkworthy.bin
var checkworthyModel []byte

var defaultModel = sync.OnceValue(func() *Model {
	m, err := ReadModel(checkworthyModel)
	if err != nil {
		// The file is embedded at build time and checked by the tests;
		// a broken one is a build defect, not a run-time condition.
		panic(err)
	}
	return m
})

// DefaultModel returns the committed model, parsing it on first use. It
// is shared: callers must not modify it.
func DefaultModel() *Model { return defaultModel() }

// DefaultThreshold is the committed model's cut-off: the calibrated score
// at or above which Suggest marks a sentence check-worthy. It was chosen
// on the public development set (see cmd/spottrain).
func DefaultThreshold() float64 { return DefaultModel().Threshold }
