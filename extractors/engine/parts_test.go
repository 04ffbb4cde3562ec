package engine

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fwstar/fwstar/samples"
)

// TestPartsAside: the parts a header bounds (OpenWrt's kernel and root file
// system, DD-WRT's three TRX partitions) are unpacked beside the workers
// when a core is spare (the first always finds one; later ones when an
// earlier one is done), and the manifest and tree are those of one worker,
// which takes them in order.
func TestPartsAside(t *testing.T) {
	for _, tt := range []struct {
		image string
		parts []string // what may go aside: the first always does
	}{
		{"openwrt-15.05.1-tl-wr703n-factory.bin", []string{"@0x200", "@0x11B0A0"}},
		{"ddwrt-v24-mini-generic.trx.bin", []string{"@0x1C", "@0x8F0", "@0xE18E0"}},
	} {
		t.Run(tt.image, func(t *testing.T) {
			in := samples.Corpus(t, tt.image)
			var mu sync.Mutex
			var aside []string
			partAside = func(at string) {
				mu.Lock()
				aside = append(aside, at)
				mu.Unlock()
			}
			defer func() { partAside = nil }()
			one, oneTree := extractWith(t, in, 1)
			if len(aside) != 0 {
				t.Fatalf("one worker unpacked %v aside", aside)
			}
			two, twoTree := extractWith(t, in, 2)
			if len(aside) == 0 || aside[0] != tt.image+tt.parts[0] {
				t.Errorf("parts unpacked aside: %v, want %s first", aside, tt.parts[0])
			}
			for _, at := range aside {
				if !slices.Contains(tt.parts, strings.TrimPrefix(at, tt.image)) {
					t.Errorf("%s unpacked aside: not a part the header bounds", at)
				}
			}
			if one != two || oneTree != twoTree {
				t.Error("manifests or trees differ between one worker and two")
			}
		})
	}
}
