// Package iso9660 reads ISO 9660 images (CD-ROM file systems) with Rock
// Ridge (names, modes, owners, symlinks, devices, times, relocated deep
// directories) and Joliet names as the fallback. kdomanski/iso9660 v0.4.0 is
// served but decodes only Rock Ridge names and modes (no SL symlinks, PN
// devices, TF times, CL/RE relocation, Joliet), and sizes continuation
// areas from the input without a bound, so the reader follows ECMA-119,
// SUSP 1.12 and RRIP 1.12 itself.
package iso9660

import (
	"encoding/binary"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

const (
	sectorSize = 2048
	vdStart    = 16 * sectorSize // volume descriptors start after the system area
	maxVDs     = 64
)

// volume is what the descriptors say.
type volume struct {
	blockSize int64
	blocks    int64 // volume space size, in blocks
	id        string
	root      []byte // the root directory record of the primary descriptor
	joliet    []byte // the root record of a Joliet supplementary descriptor
	boot      bool   // an El Torito boot record is present
}

// readVolume walks the volume descriptor set at off: a primary descriptor,
// maybe supplementary ones and a boot record, then the terminator.
func readVolume(r io.ReaderAt, off, size int64) (*volume, error) {
	v := &volume{}
	le := binary.LittleEndian
	for i := range int64(maxVDs) {
		b, err := extractors.ReadAt(r, off+vdStart+i*sectorSize, sectorSize, size)
		if err != nil {
			return nil, extractors.NotFormat("iso9660", "short volume descriptor set")
		}
		if string(b[1:6]) != "CD001" || b[6] != 1 {
			return nil, extractors.NotFormat("iso9660", "no CD001 descriptor")
		}
		switch b[0] {
		case 0:
			v.boot = true
		case 1:
			if v.root != nil {
				break
			}
			v.blocks = int64(le.Uint32(b[80:]))
			v.blockSize = int64(le.Uint16(b[128:]))
			v.id = trimSpace(b[40:72])
			v.root = b[156:190]
		case 2:
			if esc := string(b[88:91]); esc == "%/@" || esc == "%/C" || esc == "%/E" {
				v.joliet = b[156:190]
			}
		case 255:
			if v.root == nil {
				return nil, extractors.NotFormat("iso9660", "no primary volume descriptor")
			}
			switch {
			case v.blockSize != 512 && v.blockSize != 1024 && v.blockSize != 2048:
				return nil, extractors.NotFormat("iso9660", "bad logical block size")
			case v.blocks*v.blockSize <= vdStart+2*sectorSize:
				return nil, extractors.NotFormat("iso9660", "volume smaller than its descriptors")
			case v.root[0] != 34 || v.root[25]&flagDir == 0:
				return nil, extractors.NotFormat("iso9660", "bad root directory record")
			}
			return v, nil
		}
	}
	return nil, extractors.NotFormat("iso9660", "no descriptor set terminator")
}

func trimSpace(b []byte) string {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return string(b)
}
