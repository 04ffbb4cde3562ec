package version

import "testing"

// Pairs of versions that real releases used, older first. Each line names
// the project whose release (or build) carried the string.
var ordered = []struct{ older, newer, project string }{
	{"1.0.2t", "1.0.2u", "openssl"},
	{"1.0.2u", "1.0.2za", "openssl (1.0.2 extended support letters run past z)"},
	{"1.0.2z", "1.0.2za", "openssl"},
	{"1.0.2za", "1.0.2zb", "openssl"},
	{"1.1.1", "1.1.1a", "openssl"},
	{"1.1.1k", "1.1.1l", "openssl"},
	{"1.1.1l", "1.1.1w", "openssl"},
	{"1.1.1w", "3.0.0", "openssl"},
	{"3.0.0-alpha17", "3.0.0-beta1", "openssl"},
	{"3.0.0-beta2", "3.0.0", "openssl"},
	{"3.0.2", "3.0.13", "openssl"},
	{"1.23.2", "1.24.2", "busybox"},
	{"1.9.2", "1.10.0", "busybox"},
	{"1.36.0", "1.36.1", "busybox"},
	{"1.37.0.git", "1.37.0", "busybox (master banner)"},
	{"1.36.0-git", "1.36.0", "busybox snapshot"},
	{"0.53.1", "2011.54", "dropbear (switch to year-based numbers)"},
	{"2017.75", "2018.76", "dropbear"},
	{"2019.78", "2020.79", "dropbear"},
	{"2022.82", "2022.83", "dropbear"},
	{"2022.83", "2024.84", "dropbear"},
	{"2.79rc1", "2.79", "dnsmasq"},
	{"2.79", "2.80", "dnsmasq"},
	{"2.80test1", "2.80rc1", "dnsmasq"},
	{"2.89", "2.90", "dnsmasq"},
	{"2.9", "2.10", "hostapd"},
	{"2.6-devel", "2.6", "hostapd (development banner)"},
	{"2.10-devel", "2.10", "hostapd"},
	{"2.9", "2.10-devel", "hostapd"},
	{"2.6", "2.7", "hostapd"},
	{"3.18.52", "3.18.98", "linux"},
	{"3.18.98", "3.18.140", "linux"},
	{"4.4.66", "4.4.267", "linux"},
	{"4.9", "4.10", "linux"},
	{"2.6.27", "2.6.32", "linux"},
	{"2.6.32.7", "2.6.32.71", "linux"},
	{"6.1-rc1", "6.1", "linux (tag v6.1-rc1)"},
	{"5.15-rc7", "5.15", "linux"},
	{"5.4.0", "5.4.0-150-generic", "linux (Ubuntu 20.04 ABI build)"},
	{"5.4.0-150-generic", "5.4.113", "linux"},
	{"0.9.33", "0.9.33.2", "uclibc"},
	{"1.0.38", "1.0.40", "uclibc-ng"},
	{"2.35", "2.36", "glibc"},
	{"2.36", "2.39", "glibc"},
	{"2.36-9", "2.36-9+deb12u4", "glibc (Debian 12 security update)"},
	{"2.36-9+deb12u4", "1:2.36-9", "Debian epoch"},
	{"1:1.35.0-4", "1:1.35.0-4+b1", "busybox (Debian binNMU)"},
	{"1:1.2.11.dfsg-2+deb11u2", "1:1.2.13.dfsg-1", "zlib (Debian)"},
	{"6.1~rc7-1~exp1", "6.1.4-1", "linux (Debian experimental)"},
	{"7.4p1", "7.5p1", "openssh"},
	{"6.6p1", "6.6.1p1", "openssh"},
	{"8.9p1", "9.0p1", "openssh"},
	{"9.2", "9.2p1", "openssh (CPE version without the update)"},
	{"9.2p1", "9.3p1", "openssh"},
	{"1.4.9", "1.4.10", "lighttpd"},
	{"1.4.45", "1.4.64", "lighttpd"},
	{"1.2.12", "1.2.13", "zlib"},
	{"1.2.13", "1.3", "zlib"},
	{"1.3", "1.3.1", "zlib"},
	{"3.33.0", "3.40.1", "sqlite"},
	{"19.07.0-rc1", "19.07.0", "openwrt"},
	{"15.05", "15.05.1", "openwrt"},
	{"2019.10-rc1", "2019.10", "u-boot"},
	{"2022.11", "2023.02", "edk2 (edk2-stable tags)"},
	{"7.2.3", "8.0.0", "appweb"},
	{"2.16.12", "2.28.0", "mbedtls"},
	{"1.2.2", "1.2.3", "musl"},
}

func TestCompareOrdered(t *testing.T) {
	if len(ordered) < 40 {
		t.Fatalf("only %d pairs", len(ordered))
	}
	for _, p := range ordered {
		if c := Compare(p.older, p.newer); c != -1 {
			t.Errorf("%s: Compare(%q, %q) = %d, want -1", p.project, p.older, p.newer, c)
		}
		if c := Compare(p.newer, p.older); c != 1 {
			t.Errorf("%s: Compare(%q, %q) = %d, want 1", p.project, p.newer, p.older, c)
		}
		if Compare(p.older, p.older) != 0 || Compare(p.newer, p.newer) != 0 {
			t.Errorf("%s: %q or %q not equal to itself", p.project, p.older, p.newer)
		}
	}
}

func TestCompareEqual(t *testing.T) {
	for _, p := range [][2]string{
		{"3.3", "3.3.0"},                // kernel range bound vs a .0 build
		{"3.0.0-alpha1", "3.0.0alpha1"}, // NVD "version:update" joined
		{"2.79RC1", "2.79rc1"},
		{"0:1.2", "1.2"},
		{"1.0.02", "1.0.2"},
	} {
		if c := Compare(p[0], p[1]); c != 0 {
			t.Errorf("Compare(%q, %q) = %d, want 0", p[0], p[1], c)
		}
	}
}

// Ordering must be transitive over the whole table, so sorting is sound.
func TestCompareTransitive(t *testing.T) {
	var all []string
	for _, p := range ordered {
		all = append(all, p.older, p.newer)
	}
	cmp := make([][]int, len(all))
	for i, a := range all {
		cmp[i] = make([]int, len(all))
		for j, b := range all {
			cmp[i][j] = Compare(a, b)
		}
	}
	for i := range all {
		for j := range all {
			for k := range all {
				if cmp[i][j] < 0 && cmp[j][k] < 0 && cmp[i][k] >= 0 {
					t.Fatalf("not transitive: %q < %q < %q", all[i], all[j], all[k])
				}
			}
		}
	}
}

func TestUpstream(t *testing.T) {
	for in, want := range map[string]string{
		"1:1.35.0-4+b1":     "1.35.0",
		"2.36-9+deb12u4":    "2.36",
		"1:1.2.13.dfsg-1":   "1.2.13",
		"3.0.20-1~deb12u1":  "3.0.20",
		"5.4.0-150-generic": "5.4.0-150-generic",
		"2.6-devel":         "2.6-devel",
		"1.36.0-git":        "1.36.0-git",
		"2017.75":           "2017.75",
		"1.23.2-1":          "1.23.2", // opkg revision
	} {
		if got := Upstream(in); got != want {
			t.Errorf("Upstream(%q) = %q, want %q", in, got, want)
		}
	}
}
