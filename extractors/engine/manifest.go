package engine

// ManifestVersion changes when the manifest's JSON shape changes incompatibly.
const ManifestVersion = 1

// Manifest is what an extraction produced: every chunk of every blob, with the
// entries each chunk holds, in a deterministic order.
type Manifest struct {
	Version  int       `json:"version"`
	Input    string    `json:"input"`
	Size     int64     `json:"size"`
	SHA256   string    `json:"sha256"`
	Chunks   []*Chunk  `json:"chunks"`
	Problems []Problem `json:"problems,omitempty"` // failures outside any chunk
	Limits   Limits    `json:"limits"`
}

// Chunk kinds.
const (
	KindKnown   = "known"
	KindUnknown = "unknown" // bytes no handler claimed
	KindPadding = "padding" // a run of 0x00 or 0xFF
)

// Chunk is one chunk of a blob: a format instance, an unknown region or padding.
type Chunk struct {
	Layer      string            `json:"layer"`  // "fw.bin@0x11B0A0:squashfs"
	Parent     string            `json:"parent"` // the blob's layer path: "fw.bin"
	Kind       string            `json:"kind"`
	Format     string            `json:"format,omitempty"`
	Offset     int64             `json:"offset"`
	Size       int64             `json:"size"`
	Confidence string            `json:"confidence,omitempty"`
	Info       string            `json:"info,omitempty"`
	Attrs      map[string]string `json:"attrs,omitempty"`
	Entropy    float64           `json:"entropy,omitempty"` // bits per byte, unknown chunks
	Dir        string            `json:"dir,omitempty"`     // output folder, relative to the output root
	Error      string            `json:"error,omitempty"`   // why extraction stopped early
	Limit      string            `json:"limit,omitempty"`   // the budget that stopped it
	Problems   []Problem         `json:"problems,omitempty"`
	Entries    []*Entry          `json:"entries,omitempty"`
	Hint       string            `json:"hint,omitempty"` // header's name for an unknown region
}

// Entry types.
const (
	TypeFile     = "file"
	TypeDir      = "dir"
	TypeSymlink  = "symlink"
	TypeHardlink = "hardlink"
	TypeBlob     = "blob" // a nested blob: decompressed stream or carved part
	TypeChar     = "char"
	TypeBlock    = "block"
	TypeFifo     = "fifo"
	TypeSocket   = "socket"
)

// Entry is one name inside a chunk.
type Entry struct {
	Path   string `json:"path"`
	Type   string `json:"type"`
	Mode   string `json:"mode,omitempty"` // octal permission bits with setuid/setgid/sticky: "4755"
	UID    int64  `json:"uid"`
	GID    int64  `json:"gid"`
	MTime  int64  `json:"mtime,omitempty"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Target string `json:"target,omitempty"` // symlink target or hard link's first name
	Major  uint32 `json:"major,omitempty"`
	Minor  uint32 `json:"minor,omitempty"`
}

// Problem is something the sink refused or a handler failed on, as data.
type Problem struct {
	Kind   string `json:"kind"` // "path", "limit", "error", "panic"
	Path   string `json:"path,omitempty"`
	Detail string `json:"detail"`
}
