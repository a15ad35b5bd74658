package main

import (
	"math"
	"slices"

	"claimdesk/internal/spot"
)

// matrix holds sparse feature vectors row by row.
type matrix struct {
	dim  int
	offs []int // row i is idx[offs[i]:offs[i+1]]
	idx  []uint32
	val  []float32
}

func newMatrix(dim int, rows [][]spot.Feature) *matrix {
	m := &matrix{dim: dim, offs: make([]int, 1, len(rows)+1)}
	for _, r := range rows {
		for _, f := range r {
			m.idx = append(m.idx, f.Index)
			m.val = append(m.val, f.Value)
		}
		m.offs = append(m.offs, len(m.idx))
	}
	return m
}

func (m *matrix) rows() int { return len(m.offs) - 1 }

func (m *matrix) dot(i int, w []float64, bias float64) float64 {
	z := bias
	for k := m.offs[i]; k < m.offs[i+1]; k++ {
		z += w[m.idx[k]] * float64(m.val[k])
	}
	return z
}

// fit trains the model of cfg on the rows of tr listed in use (all when
// nil) and returns its weights over tr's columns and its bias.
func fit(cfg config, tr dataset, use []int) (w []float64, bias float64) {
	sw := tr.sw
	if cfg.posWeight > 0 && cfg.posWeight != 1 {
		sw = slices.Clone(sw)
		for i, y := range tr.y {
			if y {
				sw[i] *= cfg.posWeight
			}
		}
	}
	x := tr.x
	var scale []float64
	if cfg.nb > 0 {
		scale = nbScale(x, tr.y, sw, use, cfg.nb)
		x = x.scaled(scale)
	}
	w, bias = logreg(x, tr.y, sw, use, cfg.lambda, cfg.maxIter)
	for j, s := range scale {
		w[j] *= s
	}
	return w, bias
}

// nbScale returns a scale per column for naive-Bayes feature scaling
// (Wang and Manning's NB-SVM): a hashed column's scale is the absolute
// log-ratio of its weighted mass among Yes and among No rows of use,
// divided by the mean over the columns that occur and raised to gamma; a
// column that never occurs gets 1, and so does every cue. Scaling a column
// by s and its weight back by s lets the L2 penalty favour the columns
// that tell the classes apart.
func nbScale(x *matrix, y []bool, sw []float64, use []int, gamma float64) []float64 {
	const alpha = 0.25
	pos := make([]float64, x.dim)
	neg := make([]float64, x.dim)
	seen := make([]bool, x.dim)
	if use == nil {
		use = make([]int, x.rows())
		for i := range use {
			use[i] = i
		}
	}
	for _, i := range use {
		acc := neg
		if y[i] {
			acc = pos
		}
		for k := x.offs[i]; k < x.offs[i+1]; k++ {
			acc[x.idx[k]] += sw[i] * math.Abs(float64(x.val[k]))
			seen[x.idx[k]] = true
		}
	}
	var P, Q float64
	for j := spot.NumCues; j < x.dim; j++ {
		pos[j] += alpha
		neg[j] += alpha
		P += pos[j]
		Q += neg[j]
	}
	scale := make([]float64, x.dim)
	sum, n := 0.0, 0
	for j := spot.NumCues; j < x.dim; j++ {
		if seen[j] {
			scale[j] = math.Abs(math.Log(pos[j] / P * Q / neg[j]))
			sum += scale[j]
			n++
		}
	}
	mean := sum / math.Max(1, float64(n))
	for j := range scale {
		switch {
		case j < spot.NumCues || !seen[j]:
			scale[j] = 1
		default:
			scale[j] = math.Pow(scale[j]/mean, gamma)
		}
	}
	return scale
}

// scaled returns a copy of m with column j multiplied by s[j].
func (m *matrix) scaled(s []float64) *matrix {
	c := *m
	c.val = make([]float32, len(m.val))
	for k, v := range m.val {
		c.val[k] = float32(float64(v) * s[m.idx[k]])
	}
	return &c
}

// logreg fits an L2-regularized logistic regression on the rows of x
// listed in use (all when nil) by L-BFGS: it minimizes the mean log loss
// (each row weighted by sw) plus lambda/2·|w|², the bias unregularized. Everything runs in one
// goroutine in a fixed order, so the same input gives the same bits.
func logreg(x *matrix, y []bool, sw []float64, use []int, lambda float64, maxIter int) (w []float64, bias float64) {
	if use == nil {
		use = make([]int, x.rows())
		for i := range use {
			use[i] = i
		}
	}
	n := x.dim + 1 // the last entry is the bias
	total := 0.0
	for _, i := range use {
		total += sw[i]
	}
	inv := 1 / total
	f := func(p, g []float64) float64 {
		clear(g)
		loss := 0.0
		b := p[n-1]
		for _, i := range use {
			z := x.dot(i, p, b)
			var l, d float64
			if y[i] {
				l, d = softplus(-z), -sigmoid(-z)
			} else {
				l, d = softplus(z), sigmoid(z)
			}
			loss += l * sw[i]
			d *= inv * sw[i]
			for k := x.offs[i]; k < x.offs[i+1]; k++ {
				g[x.idx[k]] += d * float64(x.val[k])
			}
			g[n-1] += d
		}
		loss *= inv
		for j := 0; j < n-1; j++ {
			loss += 0.5 * lambda * p[j] * p[j]
			g[j] += lambda * p[j]
		}
		return loss
	}
	p := lbfgs(f, n, maxIter)
	return p[:n-1], p[n-1]
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// softplus is log(1+e^z) without overflow.
func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}

// lbfgs minimizes f (which writes its gradient into g) from zero with
// limited-memory BFGS and a backtracking line search, for at most maxIter
// iterations or until the loss improves by less than 1e-9 relative.
func lbfgs(f func(p, g []float64) float64, n, maxIter int) []float64 {
	const mem = 8
	p := make([]float64, n)
	g := make([]float64, n)
	loss := f(p, g)
	var ss, ys [][]float64
	var rhos []float64
	d := make([]float64, n)
	np := make([]float64, n)
	ng := make([]float64, n)
	alpha := make([]float64, mem)
	for it := 0; it < maxIter; it++ {
		// Two-loop recursion: d = -H·g.
		for j := range d {
			d[j] = -g[j]
		}
		for k := len(ss) - 1; k >= 0; k-- {
			alpha[k] = rhos[k] * dotv(ss[k], d)
			axpy(-alpha[k], ys[k], d)
		}
		if k := len(ss) - 1; k >= 0 {
			gamma := dotv(ss[k], ys[k]) / dotv(ys[k], ys[k])
			for j := range d {
				d[j] *= gamma
			}
		} else {
			scale := 1 / math.Sqrt(dotv(g, g)+1e-30)
			for j := range d {
				d[j] *= scale
			}
		}
		for k := range ss {
			beta := rhos[k] * dotv(ys[k], d)
			axpy(alpha[k]-beta, ss[k], d)
		}
		slope := dotv(g, d)
		if slope >= 0 { // not a descent direction: restart from steepest descent
			ss, ys, rhos = nil, nil, nil
			for j := range d {
				d[j] = -g[j]
			}
			slope = dotv(g, d)
		}
		step := 1.0
		var nloss float64
		for tries := 0; ; tries++ {
			for j := range np {
				np[j] = p[j] + step*d[j]
			}
			nloss = f(np, ng)
			if nloss <= loss+1e-4*step*slope || tries > 30 {
				break
			}
			step *= 0.5
		}
		s := make([]float64, n)
		yv := make([]float64, n)
		for j := range s {
			s[j] = np[j] - p[j]
			yv[j] = ng[j] - g[j]
		}
		sy := dotv(s, yv)
		if sy > 1e-12 {
			if len(ss) == mem {
				ss, ys, rhos = ss[1:], ys[1:], rhos[1:]
			}
			ss, ys, rhos = append(ss, s), append(ys, yv), append(rhos, 1/sy)
		}
		done := loss-nloss < 1e-9*math.Max(1, math.Abs(loss))
		copy(p, np)
		copy(g, ng)
		loss = nloss
		if done {
			break
		}
	}
	return p
}

func dotv(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

// platt fits p = sigmoid(a·z + b) to labels by Newton's method on the log
// loss, with Platt's smoothed targets so that a perfectly separated
// training set still yields finite parameters.
func platt(z []float64, y []bool) (a, b float64) {
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	neg := len(y) - pos
	hi := (float64(pos) + 1) / (float64(pos) + 2)
	lo := 1 / (float64(neg) + 2)
	a, b = 1, 0
	for it := 0; it < 100; it++ {
		var ga, gb, haa, hab, hbb float64
		for i, zi := range z {
			t := lo
			if y[i] {
				t = hi
			}
			p := sigmoid(a*zi + b)
			d := p - t
			w := p * (1 - p)
			ga += d * zi
			gb += d
			haa += w * zi * zi
			hab += w * zi
			hbb += w
		}
		haa += 1e-9
		hbb += 1e-9
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		a -= da
		b -= db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	return a, b
}
