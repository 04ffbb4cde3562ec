// Package fdt handles flattened device trees (devicetree specification,
// "Flattened Devicetree (DTB) Format"): plain DTBs, whose model and
// compatible strings it reports, and U-Boot FIT images, whose images it
// carves and whose hashes and signatures it checks and reports.
package fdt

import (
	"encoding/binary"
	"fmt"
)

const (
	magic      = 0xd00dfeed
	headerSize = 40
	// Version 16 added nothing the reader needs; 17 added size_dt_struct.
	minVersion = 16
)

// header is the FDT header: ten big-endian words.
type header struct {
	TotalSize, OffStruct, OffStrings, OffMemRsv uint32
	Version, LastComp, BootCPU                  uint32
	SizeStrings, SizeStruct                     uint32
}

func parseHeader(b []byte) (header, error) {
	be := binary.BigEndian
	if len(b) < headerSize || be.Uint32(b) != magic {
		return header{}, fmt.Errorf("no magic")
	}
	h := header{TotalSize: be.Uint32(b[4:]), OffStruct: be.Uint32(b[8:]), OffStrings: be.Uint32(b[12:]),
		OffMemRsv: be.Uint32(b[16:]), Version: be.Uint32(b[20:]), LastComp: be.Uint32(b[24:]),
		BootCPU: be.Uint32(b[28:]), SizeStrings: be.Uint32(b[32:]), SizeStruct: be.Uint32(b[36:])}
	total := uint64(h.TotalSize)
	switch {
	case h.Version < minVersion || h.LastComp > 17 || h.LastComp > h.Version:
		return h, fmt.Errorf("version %d (compatible with %d)", h.Version, h.LastComp)
	case h.TotalSize < headerSize:
		return h, fmt.Errorf("total size %d", h.TotalSize)
	case h.OffStruct < headerSize || h.OffStruct%4 != 0 || uint64(h.OffStruct) >= total:
		return h, fmt.Errorf("structure block at 0x%X", h.OffStruct)
	case h.OffStrings < headerSize || uint64(h.OffStrings)+uint64(h.SizeStrings) > total:
		return h, fmt.Errorf("strings block 0x%X+0x%X", h.OffStrings, h.SizeStrings)
	case h.OffMemRsv < headerSize || h.OffMemRsv%8 != 0 || uint64(h.OffMemRsv) >= total:
		return h, fmt.Errorf("memory reservation block at 0x%X", h.OffMemRsv)
	}
	if h.Version < 17 {
		// No size_dt_struct: the block runs to the end at most.
		h.SizeStruct = h.TotalSize - h.OffStruct
	} else if uint64(h.OffStruct)+uint64(h.SizeStruct) > total || h.SizeStruct < 8 {
		return h, fmt.Errorf("structure block 0x%X+0x%X", h.OffStruct, h.SizeStruct)
	}
	return h, nil
}
