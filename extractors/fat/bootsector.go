// Package fat reads FAT12, FAT16 and FAT32 file systems with VFAT long
// names. The Go modules that read FAT (go-diskfs) are not worth a dependency
// for a read-only walk and refuse FAT12; the reader follows Microsoft's FAT
// specification (fatgen103) and the VFAT long-name layout.
package fat

import (
	"encoding/binary"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// bpb is the BIOS parameter block of the boot sector, with the layout it
// implies.
type bpb struct {
	bps         int64 // bytes per sector
	spc         int64 // sectors per cluster
	reserved    int64
	fats        int64
	rootEntries int64
	sectors     int64
	fatSectors  int64
	rootCluster uint32
	bits        int // 12, 16 or 32
	clusters    uint32
	label       string
	volID       uint32

	fatOff, rootOff, dataOff int64 // from the volume start
}

func (b *bpb) clusterSize() int64 { return b.bps * b.spc }

// readBPB decodes and checks the boot sector at off. The FAT type follows
// from the count of clusters, as the specification says, never from the
// type string.
func readBPB(r io.ReaderAt, off, size int64) (*bpb, error) {
	s, err := extractors.ReadAt(r, off, 512, size)
	if err != nil {
		return nil, extractors.NotFormat("fat", "short boot sector")
	}
	le := binary.LittleEndian
	if s[510] != 0x55 || s[511] != 0xAA || !(s[0] == 0xEB && s[2] == 0x90 || s[0] == 0xE9) {
		return nil, extractors.NotFormat("fat", "no boot signature or jump")
	}
	b := &bpb{bps: int64(le.Uint16(s[11:])), spc: int64(s[13]), reserved: int64(le.Uint16(s[14:])),
		fats: int64(s[16]), rootEntries: int64(le.Uint16(s[17:])), sectors: int64(le.Uint16(s[19:])),
		fatSectors: int64(le.Uint16(s[22:]))}
	media := s[21]
	if b.sectors == 0 {
		b.sectors = int64(le.Uint32(s[32:]))
	}
	fat32 := b.fatSectors == 0
	if fat32 {
		b.fatSectors = int64(le.Uint32(s[36:]))
		b.rootCluster = le.Uint32(s[44:])
	}
	switch {
	case b.bps < 512 || b.bps > 4096 || b.bps&(b.bps-1) != 0:
		return nil, extractors.NotFormat("fat", "bad sector size")
	case b.spc == 0 || b.spc&(b.spc-1) != 0:
		return nil, extractors.NotFormat("fat", "bad cluster size")
	case b.reserved == 0 || b.fats == 0 || b.fats > 4 || b.fatSectors == 0:
		return nil, extractors.NotFormat("fat", "bad reserved sectors, FAT count or FAT size")
	case media != 0xF0 && media < 0xF8:
		return nil, extractors.NotFormat("fat", "bad media byte")
	case fat32 && b.rootEntries != 0:
		return nil, extractors.NotFormat("fat", "FAT32 with a fixed root directory")
	}
	b.fatOff = b.reserved * b.bps
	b.rootOff = b.fatOff + b.fats*b.fatSectors*b.bps
	rootSectors := (b.rootEntries*32 + b.bps - 1) / b.bps
	b.dataOff = b.rootOff + rootSectors*b.bps
	dataSectors := b.sectors - b.dataOff/b.bps
	if dataSectors < b.spc {
		return nil, extractors.NotFormat("fat", "no data area")
	}
	b.clusters = uint32(min(dataSectors/b.spc, 0x0FFFFFF5))
	switch {
	case b.clusters < 4085:
		b.bits = 12
	case b.clusters < 65525:
		b.bits = 16
	default:
		b.bits = 32
	}
	if (b.bits == 32) != fat32 {
		return nil, extractors.NotFormat("fat", "cluster count does not fit the FAT kind")
	}
	// The FAT must hold an entry for every cluster.
	if b.fatSectors*b.bps*8/int64(b.bits) < int64(b.clusters)+2 {
		return nil, extractors.NotFormat("fat", "FAT too small")
	}
	ext := 36
	if fat32 {
		ext = 64
		if b.rootCluster < 2 || b.rootCluster >= b.clusters+2 {
			return nil, extractors.NotFormat("fat", "bad root cluster")
		}
	}
	if s[ext+2] == 0x29 {
		b.volID = le.Uint32(s[ext+3:])
		b.label = trimLabel(s[ext+7 : ext+18])
	}
	return b, nil
}

func trimLabel(b []byte) string {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	if string(b) == "NO NAME" {
		return ""
	}
	return string(b)
}
