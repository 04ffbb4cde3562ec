// Package ubi reads UBI images (the volume layer of Linux's MTD stack) and
// the UBIFS file systems they usually carry, bare or inside a volume. No Go
// module for either is served, so the readers are written from the kernel's
// layouts (drivers/mtd/ubi/ubi-media.h, fs/ubifs/ubifs-media.h).
package ubi

import (
	"encoding/binary"
	"hash/crc32"
)

// UBI headers are big-endian.
var be = binary.BigEndian

const (
	ecMagic  = 0x55424923 // "UBI#"
	vidMagic = 0x55424921 // "UBI!"
	hdrSize  = 64

	layoutVolume = 0x7FFFEFFF // holds the volume table
	maxVolumes   = 128
	vtblRecord   = 172

	volDynamic = 1
	volStatic  = 2
)

// crc is the kernel's crc32(0xFFFFFFFF, p, n) as UBI and UBIFS use it: the
// IEEE CRC without the final inversion.
func crc(p []byte) uint32 { return ^crc32.ChecksumIEEE(p) }

// ecHeader starts every physical erase block.
type ecHeader struct {
	ec                    uint64
	vidOffset, dataOffset uint32
	imageSeq              uint32
}

func parseEC(b []byte) (ecHeader, bool) {
	if len(b) < hdrSize || be.Uint32(b) != ecMagic || b[4] != 1 || crc(b[:60]) != be.Uint32(b[60:]) {
		return ecHeader{}, false
	}
	h := ecHeader{ec: be.Uint64(b[8:]), vidOffset: be.Uint32(b[16:]), dataOffset: be.Uint32(b[20:]), imageSeq: be.Uint32(b[24:])}
	if h.vidOffset < hdrSize || h.dataOffset < h.vidOffset+hdrSize || h.vidOffset%4 != 0 {
		return ecHeader{}, false
	}
	return h, true
}

// vidHeader says which logical erase block of which volume a PEB holds.
type vidHeader struct {
	volType  uint8
	copy     bool
	volID    uint32
	lnum     uint32
	dataSize uint32 // static volumes: bytes used in this LEB
	usedEBs  uint32 // static volumes: LEBs in the volume
	dataPad  uint32
	dataCRC  uint32
	sqnum    uint64
}

func parseVID(b []byte) (vidHeader, bool) {
	if len(b) < hdrSize || be.Uint32(b) != vidMagic || b[4] != 1 || crc(b[:60]) != be.Uint32(b[60:]) {
		return vidHeader{}, false
	}
	h := vidHeader{volType: b[5], copy: b[6] != 0, volID: be.Uint32(b[8:]), lnum: be.Uint32(b[12:]),
		dataSize: be.Uint32(b[20:]), usedEBs: be.Uint32(b[24:]), dataPad: be.Uint32(b[28:]),
		dataCRC: be.Uint32(b[32:]), sqnum: be.Uint64(b[40:])}
	if h.volType != volDynamic && h.volType != volStatic {
		return vidHeader{}, false
	}
	return h, true
}

// volume is a used record of the volume table.
type volume struct {
	id           uint32
	reservedPEBs uint32
	alignment    uint32
	dataPad      uint32
	volType      uint8
	updMarker    bool
	name         string
}

// parseVtbl decodes the volume table held by a layout volume LEB. Records
// failing their CRC are skipped.
func parseVtbl(b []byte) (vols []volume, bad int) {
	for i := 0; i < maxVolumes && (i+1)*vtblRecord <= len(b); i++ {
		r := b[i*vtblRecord : (i+1)*vtblRecord]
		if crc(r[:168]) != be.Uint32(r[168:]) {
			bad++
			continue
		}
		v := volume{id: uint32(i), reservedPEBs: be.Uint32(r), alignment: be.Uint32(r[4:]), dataPad: be.Uint32(r[8:]),
			volType: r[12], updMarker: r[13] != 0}
		if v.reservedPEBs == 0 {
			continue
		}
		n := int(be.Uint16(r[14:]))
		if n > 127 {
			bad++
			continue
		}
		v.name = string(r[16 : 16+n])
		vols = append(vols, v)
	}
	return vols, bad
}
