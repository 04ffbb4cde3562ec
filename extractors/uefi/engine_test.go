package uefi_test

import (
	"context"
	"testing"

	"github.com/fwstar/fwstar/extractors/engine"
)

// Through the whole engine, the signed multi-payload FMP capsule yields the
// volume (found in the capsule's image1 blob) and both modules in it, with
// layer paths that name the capsule item they came from.
func TestEngineCapsule(t *testing.T) {
	m, err := engine.Default().Extract(context.Background(), "testdata/capsule-fmp-multi.cap", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const fv = "capsule-fmp-multi.cap@0x0:uefi-capsule/image1.fv@0x0:uefi"
	want := map[string]string{
		"capsule-fmp-multi.cap@0x0:uefi-capsule": "uefi-capsule",
		fv:                                       "uefi",
	}
	for _, c := range m.Chunks {
		if c.Error != "" || len(c.Problems) > 0 {
			t.Errorf("%s: %s %v", c.Layer, c.Error, c.Problems)
		}
		if f, ok := want[c.Layer]; ok && c.Format == f {
			delete(want, c.Layer)
			if c.Layer == fv && len(c.Entries) != 3 {
				t.Errorf("%s: %d entries, want 3", fv, len(c.Entries))
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("chunks missing: %v", want)
	}
	if len(m.Problems) > 0 {
		t.Errorf("problems: %v", m.Problems)
	}
}
