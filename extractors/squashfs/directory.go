package squashfs

// maxRun is the most entries one directory header may announce.
const maxRun = 256

// dirent is one name in a directory listing.
type dirent struct {
	name string
	ref  uint64 // inode reference: metadata block << 16 | offset
}

// readDir parses a directory's listing: runs of entries, each run headed by
// the inode metadata block its entries live in. The inode's listing size
// counts 3 bytes for "." and ".." that are not stored, so a tail shorter
// than a header ends the listing.
func (w *walker) readDir(in *inode) ([]dirent, error) {
	if in.dirOffset >= metaSize {
		return nil, w.img.errorf(w.s.dirStart, "directory inode 0x%X: offset %d", in.ref, in.dirOffset)
	}
	p, err := w.dirs.pos(in.dirBlock, in.dirOffset)
	if err != nil {
		return nil, err
	}
	b, err := w.dirs.avail(p, int(min(in.dirSize, 1<<31)))
	if err != nil {
		return nil, err
	}
	o := w.s.order
	// Header and entry sizes: 3.x headers are count:8 start_block:32
	// inode_number:32, 2.x ones count:8 start_block:24.
	hdrSize, entSize, startBits := 12, 8, 0
	switch w.s.major {
	case 3:
		hdrSize, entSize, startBits = 9, 5, 32
	case 2:
		hdrSize, entSize, startBits = 4, 3, 24
	}
	var out []dirent
	for len(b) >= hdrSize {
		var count int
		var block uint64
		if w.s.major == 4 {
			count, block = int(o.Uint32(b))+1, uint64(o.Uint32(b[4:]))
		} else {
			count, block = int(field(b, o, 0, 8))+1, field(b, o, 8, startBits)
		}
		if count > maxRun {
			return out, w.img.errorf(w.s.dirStart, "directory 0x%X: run of %d entries", in.ref, count)
		}
		b = b[hdrSize:]
		for range count {
			if len(b) < entSize {
				return out, w.img.errorf(w.s.dirStart, "directory 0x%X truncated", in.ref)
			}
			var off, nameLen int
			if w.s.major == 4 {
				off, nameLen = int(o.Uint16(b)), int(o.Uint16(b[6:]))+1
			} else {
				off, nameLen = int(field(b, o, 0, 13)), int(field(b, o, 16, 8))+1
			}
			if len(b) < entSize+nameLen {
				return out, w.img.errorf(w.s.dirStart, "directory 0x%X truncated", in.ref)
			}
			if off >= metaSize {
				return out, w.img.errorf(w.s.dirStart, "directory 0x%X: inode offset %d", in.ref, off)
			}
			out = append(out, dirent{name: string(b[entSize : entSize+nameLen]), ref: block<<16 | uint64(off)})
			b = b[entSize+nameLen:]
		}
	}
	return out, nil
}
