package main

import (
	"math"
	"math/rand/v2"
	"slices"
)

// mlpConfig is the shape and schedule of the one-hidden-layer network.
type mlpConfig struct {
	hidden int     // hidden units (ReLU)
	epochs int     // passes over the data
	lr     float64 // initial learning rate, decayed linearly to 0
	l2     float64 // weight decay per unit of learning rate
	seed   uint64
}

// mlp is a network z = b2 + Σ_h v_h·relu(b1_h + Σ_j x_j·W[j][h]).
type mlp struct {
	hidden int
	w      []float32 // dim × hidden, row j is column j's input weights
	b1     []float32
	v      []float32
	b2     float64
}

// raw returns the network's logit for row i of x.
func (n *mlp) raw(x *matrix, i int, h []float32) float64 {
	H := n.hidden
	copy(h, n.b1)
	for k := x.offs[i]; k < x.offs[i+1]; k++ {
		xv := x.val[k]
		row := n.w[int(x.idx[k])*H : int(x.idx[k])*H+H]
		for u, wv := range row {
			h[u] += xv * wv
		}
	}
	z := n.b2
	for u, a := range h {
		if a > 0 {
			z += float64(n.v[u] * a)
		}
	}
	return z
}

// trainMLP fits the network on the rows of x listed in use (all when nil)
// by plain stochastic gradient descent on the weighted log loss, one row
// at a time in an order shuffled with cfg.seed each epoch: deterministic
// for the same input.
func trainMLP(cfg mlpConfig, x *matrix, y []bool, sw []float64, use []int) *mlp {
	if use == nil {
		use = make([]int, x.rows())
		for i := range use {
			use[i] = i
		}
	}
	use = slices.Clone(use)
	H := cfg.hidden
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x6d6c70))
	n := &mlp{hidden: H, w: make([]float32, x.dim*H), b1: make([]float32, H), v: make([]float32, H)}
	for k := range n.w {
		n.w[k] = float32((rng.Float64()*2 - 1) * 0.3)
	}
	for u := range n.v {
		n.v[u] = float32((rng.Float64()*2 - 1) / math.Sqrt(float64(H)))
		n.b1[u] = 0.1
	}
	mean := 0.0
	for _, i := range use {
		mean += sw[i]
	}
	mean /= float64(len(use))
	h := make([]float32, H)
	gh := make([]float32, H)
	total := cfg.epochs * len(use)
	step := 0
	for e := 0; e < cfg.epochs; e++ {
		rng.Shuffle(len(use), func(a, b int) { use[a], use[b] = use[b], use[a] })
		for _, i := range use {
			lr := cfg.lr * (1 - float64(step)/float64(total))
			step++
			z := n.raw(x, i, h)
			t := 0.0
			if y[i] {
				t = 1
			}
			d := (sigmoid(z) - t) * sw[i] / mean // dLoss/dz
			for u, a := range h {
				if a > 0 {
					gh[u] = float32(d) * n.v[u]
					n.v[u] -= float32(lr * (d*float64(a) + cfg.l2*float64(n.v[u])))
				} else {
					gh[u] = 0
				}
				n.b1[u] -= float32(lr) * gh[u]
			}
			n.b2 -= lr * d
			flr := float32(lr)
			decay := float32(1 - lr*cfg.l2)
			for k := x.offs[i]; k < x.offs[i+1]; k++ {
				xv := x.val[k] * flr
				row := n.w[int(x.idx[k])*H : int(x.idx[k])*H+H]
				for u := range row {
					row[u] = row[u]*decay - xv*gh[u]
				}
			}
		}
	}
	return n
}
