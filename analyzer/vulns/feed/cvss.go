package feed

import (
	"fmt"
	"math"
	"strings"
)

// CVSS3Score computes the base score of a CVSS v3.0/v3.1 vector (FIRST's
// CVSS v3.1 specification, section 7.1 and appendix A "Roundup"). OSV gives
// vectors without scores, and severities need the number.
func CVSS3Score(vector string) (float64, error) {
	parts := strings.Split(vector, "/")
	if len(parts) < 9 || !strings.HasPrefix(parts[0], "CVSS:3.") {
		return 0, fmt.Errorf("cvss: not a CVSS v3 vector: %q", vector)
	}
	m := map[string]string{}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, ":")
		if !ok {
			return 0, fmt.Errorf("cvss: bad metric %q", p)
		}
		m[k] = v
	}
	w := func(metric string, table map[string]float64) (float64, error) {
		v, ok := table[m[metric]]
		if !ok {
			return 0, fmt.Errorf("cvss: metric %s=%q missing or invalid", metric, m[metric])
		}
		return v, nil
	}
	changed := m["S"] == "C"
	if m["S"] != "C" && m["S"] != "U" {
		return 0, fmt.Errorf("cvss: scope %q invalid", m["S"])
	}
	pr := map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}
	if changed {
		pr = map[string]float64{"N": 0.85, "L": 0.68, "H": 0.5}
	}
	cia := map[string]float64{"H": 0.56, "L": 0.22, "N": 0}
	var vals [7]float64
	var err error
	for i, x := range []struct {
		k string
		t map[string]float64
	}{
		{"AV", map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}},
		{"AC", map[string]float64{"L": 0.77, "H": 0.44}},
		{"PR", pr},
		{"UI", map[string]float64{"N": 0.85, "R": 0.62}},
		{"C", cia}, {"I", cia}, {"A", cia},
	} {
		if vals[i], err = w(x.k, x.t); err != nil {
			return 0, err
		}
	}
	iss := 1 - (1-vals[4])*(1-vals[5])*(1-vals[6])
	impact := 6.42 * iss
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	}
	expl := 8.22 * vals[0] * vals[1] * vals[2] * vals[3]
	if impact <= 0 {
		return 0, nil
	}
	if changed {
		return roundup(math.Min(1.08*(impact+expl), 10)), nil
	}
	return roundup(math.Min(impact+expl, 10)), nil
}

// roundup is CVSS v3.1's Roundup: the smallest one-decimal number not below
// x, computed on integers to avoid floating-point artefacts.
func roundup(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}
