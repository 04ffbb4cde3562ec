package jffs2

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/anchore/go-lzo"
	"github.com/ulikunitz/xz/lzma"

	"github.com/fwstar/fwstar/extractors/inflate"
)

// Compressor ids of the jffs2_raw_inode compr field.
const (
	comprNone  = 0
	comprZero  = 1
	comprRtime = 2
	comprCopy  = 4
	comprZlib  = 6
	comprLZO   = 7
	comprLZMA  = 8
)

var comprNames = [...]string{"none", "zero", "rtime", "rubinmips", "copy", "dynrubin", "zlib", "lzo", "lzma"}

func comprName(c uint8) string {
	if int(c) < len(comprNames) {
		return comprNames[c]
	}
	return fmt.Sprintf("compr%d", c)
}

var errShort = errors.New("data shorter than dsize")

// decompress expands src into dst, whose length is the node's dsize.
func decompress(compr uint8, src, dst []byte) error {
	switch compr {
	case comprNone, comprCopy:
		if len(src) < len(dst) {
			return errShort
		}
		copy(dst, src)
	case comprZero:
		clear(dst)
	case comprRtime:
		return rtime(src, dst)
	case comprZlib:
		// The kernel writes zlib streams; it also reads raw deflate, so the
		// two-byte header is optional (the check is the kernel's own).
		if len(src) >= 2 && src[0]&0x0F == 8 && (uint16(src[0])<<8|uint16(src[1]))%31 == 0 {
			src = src[2:]
		}
		n, _, err := inflate.Decode(dst, src)
		if err != nil {
			return err
		}
		if n != len(dst) {
			return errShort
		}
	case comprLZO:
		n, err := lzo.Decompress(src, dst)
		if err != nil {
			return err
		}
		if n != len(dst) {
			return errShort
		}
	case comprLZMA:
		// OpenWrt's JFFS2 LZMA stores the raw stream with fixed properties
		// lc=0 lp=0 pb=0 and an 8 KiB dictionary; give the decoder the
		// lzma-alone header it expects.
		var hdr [13]byte
		binary.LittleEndian.PutUint32(hdr[1:], max(0x2000, uint32(len(dst))))
		binary.LittleEndian.PutUint64(hdr[5:], uint64(len(dst)))
		zr, err := lzma.NewReader(io.MultiReader(bytes.NewReader(hdr[:]), bytes.NewReader(src)))
		if err != nil {
			return err
		}
		return readFull(zr, dst)
	default:
		return fmt.Errorf("unknown compressor %d", compr)
	}
	return nil
}

func readFull(r io.Reader, dst []byte) error {
	if _, err := io.ReadFull(r, dst); err != nil {
		if err == io.EOF {
			err = errShort
		}
		return err
	}
	return nil
}

// rtime is JFFS2's run-length coder: each literal byte is followed by a
// count of bytes to copy from just after that byte's previous occurrence.
func rtime(src, dst []byte) error {
	var last [256]int
	out, in := 0, 0
	for out < len(dst) {
		if in+2 > len(src) {
			return errShort
		}
		v, rep := src[in], int(src[in+1])
		in += 2
		dst[out] = v
		out++
		back := last[v]
		last[v] = out
		if rep > len(dst)-out {
			return errors.New("rtime: run past the end")
		}
		// Byte by byte: the source may overlap what is being written.
		for ; rep > 0; rep-- {
			dst[out] = dst[back]
			out++
			back++
		}
	}
	return nil
}
