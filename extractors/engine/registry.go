package engine

import (
	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/android"
	"github.com/fwstar/fwstar/extractors/archive"
	"github.com/fwstar/fwstar/extractors/archive7"
	"github.com/fwstar/fwstar/extractors/compress"
	"github.com/fwstar/fwstar/extractors/cramfs"
	"github.com/fwstar/fwstar/extractors/extfs"
	"github.com/fwstar/fwstar/extractors/fat"
	"github.com/fwstar/fwstar/extractors/fdt"
	"github.com/fwstar/fwstar/extractors/fwheader"
	"github.com/fwstar/fwstar/extractors/iso9660"
	"github.com/fwstar/fwstar/extractors/jffs2"
	"github.com/fwstar/fwstar/extractors/rar"
	"github.com/fwstar/fwstar/extractors/squashfs"
	"github.com/fwstar/fwstar/extractors/ubi"
	"github.com/fwstar/fwstar/extractors/uefi"
)

// Handlers lists every built-in handler, in priority order: where two match at
// the same offset, the earlier one is tried first. Headers and filesystems come
// before archives, and compressors (whose magics are short) last.
func Handlers() []extractors.Handler {
	return []extractors.Handler{
		fwheader.UImage{}, fwheader.TRX{}, fwheader.TPLink{}, fwheader.CHK{}, fwheader.SEAMA{},
		fwheader.WRGG{}, fwheader.UBNT{}, fwheader.DNS323{},
		fwheader.TPLinkV2{}, fwheader.Safeloader{}, fwheader.BuffaloTag{}, fwheader.BuffaloEnc{}, fwheader.DNS313{}, fwheader.DNI{},
		fdt.Handler{}, uefi.Capsule{}, uefi.Handler{},
		android.BootImage{}, android.Sparse{},
		jffs2.Handler{}, cramfs.Handler{}, ubi.UBI{}, ubi.UBIFS{},
		squashfs.Handler{},
		extfs.Handler{}, fat.Handler{}, iso9660.Handler{},
		archive.CPIO{}, archive.Tar{}, archive.Zip{}, archive7.SevenZip{}, rar.Handler{},
		compress.Gzip{}, compress.XZ{}, compress.Zstd{}, compress.Bzip2{}, compress.LZ4{}, compress.Lzop{}, compress.LZMA{},
	}
}

// Default returns an engine with every built-in handler and the default budgets.
func Default() *Engine { return New(Handlers(), DefaultLimits()) }
