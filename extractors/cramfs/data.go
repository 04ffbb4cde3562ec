package cramfs

import (
	"errors"
	"fmt"
	"io"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/inflate"
)

// blockReader streams a file's blocks: each is a zlib stream, stored
// as-is (UNCOMPRESSED), absent (a hole, length 0), or, with extended block
// pointers, placed anywhere by a DIRECT pointer (XIP images map such blocks
// straight from flash).
type blockReader struct {
	im     *image
	n      inode
	ptrs   []uint32
	i      int    // next block
	out    []byte // decoded bytes of the current block not yet read
	page   []byte
	filled int // bytes the last block decoded to, before zero-filling
	packed []byte
	err    error
}

func (im *image) newBlockReader(n inode, blksize int64) (*blockReader, error) {
	nblocks := (n.size + blksize - 1) / blksize
	b, err := extractors.ReadAt(im.r, im.base+n.offset, int(nblocks*4), im.limit)
	if err != nil {
		return nil, extractors.Wrap("cramfs", im.base+n.offset, err, "block pointers of %d blocks", nblocks)
	}
	ptrs := make([]uint32, nblocks)
	for i := range ptrs {
		ptrs[i] = im.bo.Uint32(b[4*i:])
	}
	return &blockReader{im: im, n: n, ptrs: ptrs, page: make([]byte, blksize)}, nil
}

// span returns where block i lies and whether it is stored uncompressed,
// by the kernel's rules (fs/cramfs/inode.c, cramfs_read_folio).
func (br *blockReader) span(i int) (start, length int64, raw bool, err error) {
	bs := int64(len(br.page))
	p := br.ptrs[i]
	first := br.n.offset + int64(len(br.ptrs))*4 // the first block follows the table
	if !br.im.ext {
		// Each pointer is the end of its block; a block starts where the
		// previous one ended.
		start = first
		if i > 0 {
			start = int64(br.ptrs[i-1])
		}
		return start, int64(p) - start, false, nil
	}
	raw = p&blkUncompressed != 0
	if p&blkDirect != 0 {
		start = int64(p&^blkFlags) << 2
		if raw {
			return start, min(bs, br.n.size-int64(i)*bs), true, nil
		}
		length, err = br.u16(start)
		return start + 2, length, false, err
	}
	start = first
	if i > 0 {
		prev := br.ptrs[i-1]
		start = int64(prev &^ blkFlags)
		if prev&blkDirect != 0 {
			// The previous block was placed directly: this one follows it.
			start <<= 2
			if prev&blkUncompressed != 0 {
				start += bs
			} else {
				l, err := br.u16(start)
				if err != nil {
					return 0, 0, false, err
				}
				start += 2 + l
			}
		}
	}
	return start, int64(p&^blkFlags) - start, raw, nil
}

// u16 reads the length that precedes a directly placed compressed block.
func (br *blockReader) u16(off int64) (int64, error) {
	b, err := extractors.ReadAt(br.im.r, br.im.base+off, 2, br.im.limit)
	if err != nil {
		return 0, err
	}
	return int64(br.im.bo.Uint16(b)), nil
}

func (br *blockReader) Read(p []byte) (int, error) {
	for len(br.out) == 0 {
		if br.err != nil {
			return 0, br.err
		}
		if br.i >= len(br.ptrs) {
			return 0, io.EOF
		}
		if err := br.next(); err != nil {
			br.err = extractors.Wrap("cramfs", br.im.base+br.n.offset, err, "block %d", br.i)
			return 0, br.err
		}
	}
	n := copy(p, br.out)
	br.out = br.out[n:]
	return n, nil
}

var errBlockLen = errors.New("bad block length")

// next decodes block i into page; short blocks are zero-filled as the
// kernel does.
func (br *blockReader) next() error {
	bs := int64(len(br.page))
	i := br.i
	want := min(bs, br.n.size-int64(i)*bs)
	start, length, raw, err := br.span(i)
	if err != nil {
		return err
	}
	switch {
	case length < 0 || length > 2*bs || (raw && length > bs):
		return fmt.Errorf("%w %d", errBlockLen, length)
	case length == 0:
		clear(br.page)
		br.filled = 0
	default:
		b, err := extractors.ReadAt(br.im.r, br.im.base+start, int(length), br.im.limit)
		if err != nil {
			return err
		}
		if raw {
			br.filled = copy(br.page, b)
		} else if br.filled, err = br.inflate(b); err != nil {
			return err
		}
		clear(br.page[br.filled:])
	}
	br.i++
	br.out = br.page[:want]
	return nil
}

// inflate decodes one zlib stream into page; a stream that holds more
// than a block is corrupt (or the block size guess is wrong).
func (br *blockReader) inflate(b []byte) (int, error) {
	n, err := inflate.DecodeZlib(br.page, b)
	if err == inflate.ErrTooBig {
		return n, errBlockLen
	}
	return n, err
}
