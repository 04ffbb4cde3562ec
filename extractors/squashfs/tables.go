package squashfs

// Lookup tables: uid/gid numbers and fragment locations.

// fragment is where a fragment block lies and its on-disk size word.
type fragment struct {
	start int64
	size  uint32
}

// readIDs loads the uid/gid tables. 4.0 keeps one id table in metadata
// blocks listed by an index; 2.x/3.x store plain uid and gid arrays.
func (w *walker) readIDs() error {
	o := w.s.order
	if w.s.major < 4 {
		var err error
		if w.uids, err = w.plainIDs(w.s.uidStart, w.s.uidCount); err != nil {
			return err
		}
		w.gids, err = w.plainIDs(w.s.gidStart, w.s.gidCount)
		return err
	}
	n := int(w.s.idCount) // at most 65535 ids: 32 index entries
	blocks := (n*4 + metaSize - 1) / metaSize
	idx, err := w.img.read(w.s.idStart, blocks*8)
	if err != nil {
		return err
	}
	var ids []byte
	for i := range blocks {
		b, _, err := w.img.metaBlock(w.dec, int64(o.Uint64(idx[8*i:])), nil)
		if err != nil {
			return err
		}
		ids = append(ids, b...)
	}
	if len(ids) < n*4 {
		return w.img.errorf(w.s.idStart, "id table holds %d bytes, want %d", len(ids), n*4)
	}
	w.uids = make([]uint32, n)
	for i := range w.uids {
		w.uids[i] = o.Uint32(ids[4*i:])
	}
	w.gids = w.uids
	return nil
}

func (w *walker) plainIDs(off int64, n uint32) ([]uint32, error) {
	b, err := w.img.read(off, int(n)*4) // at most 255 entries
	if err != nil {
		return nil, err
	}
	ids := make([]uint32, n)
	for i := range ids {
		ids[i] = w.s.order.Uint32(b[4*i:])
	}
	return ids, nil
}

// owner resolves an inode's uid and gid indexes.
func (w *walker) owner(in *inode) (uid, gid int64, err error) {
	if int(in.uidIdx) >= len(w.uids) {
		return 0, 0, w.img.errorf(w.s.inodeStart, "inode 0x%X: uid index %d of %d", in.ref, in.uidIdx, len(w.uids))
	}
	uid = int64(w.uids[in.uidIdx])
	switch {
	case w.s.major < 4 && in.gidIdx == 0xFF: // SQUASHFS_GUIDS: the gid is the uid
		gid = uid
	case int(in.gidIdx) < len(w.gids):
		gid = int64(w.gids[in.gidIdx])
	default:
		return 0, 0, w.img.errorf(w.s.inodeStart, "inode 0x%X: gid index %d of %d", in.ref, in.gidIdx, len(w.gids))
	}
	return uid, gid, nil
}

// fragment looks up entry i of the fragment table. The table is in metadata
// blocks whose offsets an index lists (64-bit from 3.x on, 32-bit in 2.x);
// entries are 16 bytes (start, size, unused), 8 in 2.x (start, size).
func (w *walker) fragment(i uint32) (fragment, error) {
	if i >= w.s.fragments || w.s.fragStart < 0 {
		return fragment{}, w.img.errorf(w.s.inodeStart, "fragment %d of %d", i, w.s.fragments)
	}
	o := w.s.order
	entSize, ptrSize := 16, 8
	if w.s.major == 2 {
		entSize, ptrSize = 8, 4
	}
	perBlock := metaSize / entSize
	k := int64(i) / int64(perBlock)
	blk, ok := w.fragBlocks[k]
	if !ok {
		p, err := w.img.read(w.s.fragStart+k*int64(ptrSize), ptrSize)
		if err != nil {
			return fragment{}, err
		}
		off := int64(o.Uint32(p))
		if ptrSize == 8 {
			off = int64(o.Uint64(p))
		}
		if blk, _, err = w.img.metaBlock(w.dec, off, nil); err != nil {
			return fragment{}, err
		}
		if len(w.fragBlocks) >= 64 {
			clear(w.fragBlocks) // hostile tables cannot pile up blocks
		}
		w.fragBlocks[k] = blk
	}
	e := int(i) % perBlock * entSize
	if e+entSize > len(blk) {
		return fragment{}, w.img.errorf(w.s.fragStart, "fragment %d past its table block", i)
	}
	if w.s.major == 2 {
		return fragment{start: int64(o.Uint32(blk[e:])), size: o.Uint32(blk[e+4:])}, nil
	}
	return fragment{start: int64(o.Uint64(blk[e:])), size: o.Uint32(blk[e+8:])}, nil
}
