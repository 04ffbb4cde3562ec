package uefi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path"

	"github.com/fwstar/fwstar/extractors"
)

// The NVRAM volume (EFI_SYSTEM_NV_DATA_FV_GUID) holds a variable store
// (edk2 MdeModulePkg VARIABLE_STORE_HEADER): a GUID saying whether variables
// are authenticated, the store size, format 0x5A and state 0xFE. Variables
// follow, each 4-byte aligned: StartId 0x55AA, State, Attributes, (for
// authenticated ones MonotonicCount, TimeStamp, PubKeyIndex), NameSize,
// DataSize, VendorGuid, the UCS-2 name and the data.
const (
	varStoreHeader = 28
	varStartID     = 0x55AA
	varAdded       = 0x3F
	varInDeleted   = 0xFE
	maxVariables   = 10000
)

func (w *walker) nvram(b []byte, where string) error {
	if len(b) < varStoreHeader {
		w.problem("%s: variable store truncated", where)
		return nil
	}
	g := guidAt(b)
	auth := g == guidAuthVarStore
	if !auth && g != guidVarStore {
		w.problem("%s: variable store %s not known", where, g)
		return nil
	}
	size := int(binary.LittleEndian.Uint32(b[16:]))
	if size < varStoreHeader || size > len(b) {
		w.problem("%s: variable store of %d bytes, %d present", where, size, len(b))
		size = len(b)
	}
	w.dst.Note("uefi.nvram.authenticated", fmt.Sprint(auth))
	hdr := 32
	if auth {
		hdr = 60
	}
	le := binary.LittleEndian
	for off := varStoreHeader; off+hdr <= size && w.stats.Variables < maxVariables; {
		v := b[off:size]
		if le.Uint16(v) != varStartID {
			break // erased space: the end of the store
		}
		state := v[2]
		ns, ds := int(le.Uint32(v[hdr-24:])), int(le.Uint32(v[hdr-20:]))
		vendor := guidAt(v[hdr-16:])
		if ns < 0 || ds < 0 || ns > len(v)-hdr || ds > len(v)-hdr-ns {
			w.problem("%s+0x%X: variable of %d+%d bytes past the store", where, off, ns, ds)
			return nil
		}
		// Variables in transition to deletion are still the current value.
		if state == varAdded || state == varAdded&varInDeleted {
			w.stats.Variables++
			name := safeName(ucs2(v[hdr : hdr+ns]))
			if name == "" {
				name = fmt.Sprintf("var-0x%X", off)
			}
			p := path.Join("nvram", vendor.String(), name)
			if err := w.dst.File(p, extractors.Meta{Mode: 0o644}, bytes.NewReader(v[hdr+ns:hdr+ns+ds])); w.fatal(err) {
				return err
			}
		}
		off = align(off+hdr+ns+ds, 4)
	}
	return nil
}
