package feed

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Formats Read recognises.
const (
	FormatNVD     = "nvd"      // one NVD CVE API 2.0 "cve" object (one fkie-cad file)
	FormatNVDFeed = "nvd-feed" // {"vulnerabilities":[{"cve":{...}}]}: API pages, yearly feeds
	FormatCVE5    = "cve5"
	FormatOSV     = "osv"
	FormatKEVJSON = "kev-json"
	FormatKEVCSV  = "kev-csv"
	FormatEPSS    = "epss"
)

// maxRecord caps one JSON record read whole (the largest NVD records, with
// thousands of CPE matches, are a few MB).
const maxRecord = 64 << 20

// Handler receives what Read finds. Nil functions skip that kind.
type Handler struct {
	Record func(*Record) error
	KEV    func(cve string, k KEV) error
	EPSS   func(EPSS) error
}

// EPSS is one FIRST EPSS score.
type EPSS struct {
	CVE        string
	Score      float64
	Percentile float64
	Date       string // score_date of the file
}

// ErrUnknownFormat is returned for input Read does not recognise.
var ErrUnknownFormat = errors.New("feed: unknown format (want NVD JSON 2.0, CVE JSON 5, OSV, CISA KEV JSON/CSV or EPSS CSV)")

// Read detects the format of r (uncompressed) and passes every item to h.
// Feeds stream: a yearly NVD file is never held whole.
func Read(r io.Reader, vp VendorProduct, h Handler) (string, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(1 << 16)
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	switch {
	case bytes.HasPrefix(t, []byte("#model_version")) || bytes.HasPrefix(t, []byte("cve,epss")):
		return FormatEPSS, readEPSS(br, h)
	case bytes.HasPrefix(t, []byte("cveID,")) || bytes.HasPrefix(t, []byte(`"cveID",`)):
		return FormatKEVCSV, readKEVCSV(br, h)
	case len(t) == 0 || t[0] != '{':
		return "", ErrUnknownFormat
	case bytes.Contains(head, []byte(`"cveMetadata"`)):
		return FormatCVE5, readWhole(br, func(b []byte) error { return emit(ParseCVE5(b, vp))(h) })
	case bytes.Contains(head, []byte(`"catalogVersion"`)):
		return FormatKEVJSON, readArray(br, "vulnerabilities", func(dec *json.Decoder) error { return kevItem(dec, h) })
	case bytes.Contains(head, []byte(`"vulnerabilities"`)):
		return FormatNVDFeed, readArray(br, "vulnerabilities", func(dec *json.Decoder) error {
			var item struct {
				CVE *nvdCVE `json:"cve"`
			}
			if err := dec.Decode(&item); err != nil {
				return err
			}
			if item.CVE == nil {
				return fmt.Errorf("nvd feed: item without a cve object")
			}
			return emit(item.CVE.record())(h)
		})
	case bytes.Contains(head, []byte(`"vulns"`)): // OSV API query results
		return FormatOSV, readArray(br, "vulns", func(dec *json.Decoder) error {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			return emit(ParseOSV(raw))(h)
		})
	case bytes.Contains(head, []byte(`"vulnStatus"`)) || bytes.Contains(head, []byte(`"sourceIdentifier"`)):
		return FormatNVD, readWhole(br, func(b []byte) error { return emit(ParseNVD(b))(h) })
	case bytes.Contains(head, []byte(`"modified"`)):
		return FormatOSV, readWhole(br, func(b []byte) error { return emit(ParseOSV(b))(h) })
	}
	return "", ErrUnknownFormat
}

func emit(r *Record, err error) func(Handler) error {
	return func(h Handler) error {
		if err != nil {
			return err
		}
		if h.Record == nil {
			return nil
		}
		return h.Record(r)
	}
}

func readWhole(r io.Reader, fn func([]byte) error) error {
	b, err := io.ReadAll(io.LimitReader(r, maxRecord+1))
	if err != nil {
		return err
	}
	if len(b) > maxRecord {
		return fmt.Errorf("feed: record larger than %d bytes", maxRecord)
	}
	return fn(b)
}

// readArray streams the elements of the top-level array named key; fn
// decodes one element from dec.
func readArray(r io.Reader, key string, fn func(*json.Decoder) error) error {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("feed: want a JSON object: %v", err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok != key {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return fmt.Errorf("feed: %q is not an array", key)
		}
		for dec.More() {
			if err := fn(dec); err != nil {
				return fmt.Errorf("feed: %s item ending at byte %d: %w", key, dec.InputOffset(), err)
			}
		}
		return nil
	}
	return fmt.Errorf("feed: no %q array", key)
}

// kevItem reads one entry of the CISA KEV catalog JSON.
func kevItem(dec *json.Decoder, h Handler) error {
	var k struct {
		CVEID      string `json:"cveID"`
		Name       string `json:"vulnerabilityName"`
		DateAdded  string `json:"dateAdded"`
		Action     string `json:"requiredAction"`
		DueDate    string `json:"dueDate"`
		Ransomware string `json:"knownRansomwareCampaignUse"`
	}
	if err := dec.Decode(&k); err != nil {
		return err
	}
	if !strings.HasPrefix(k.CVEID, "CVE-") || k.DateAdded == "" {
		return fmt.Errorf("kev: entry without cveID or dateAdded")
	}
	if h.KEV == nil {
		return nil
	}
	return h.KEV(k.CVEID, kev(k.DateAdded, k.DueDate, k.Action, k.Name, k.Ransomware))
}

// kev builds an entry with its text fields trimmed: the catalog's own text
// carries stray spaces ("Linux Kernel PIE Stack Buffer Corruption
// Vulnerability ", CVE-2017-1000253).
func kev(added, due, action, name, ransomware string) KEV {
	t := strings.TrimSpace
	return KEV{Added: t(added), Due: t(due), Action: t(action), Name: t(name), Ransomware: t(ransomware)}
}

// readKEVCSV reads the catalog's CSV form, by header names.
func readKEVCSV(r io.Reader, h Handler) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, n := range head {
		col[n] = i
	}
	for _, need := range []string{"cveID", "dateAdded"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("kev csv: no %s column", need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		id := get(rec, "cveID")
		if !strings.HasPrefix(id, "CVE-") {
			line, _ := cr.FieldPos(0)
			return fmt.Errorf("kev csv: line %d: cveID %q", line, id)
		}
		if h.KEV != nil {
			if err := h.KEV(id, kev(get(rec, "dateAdded"), get(rec, "dueDate"), get(rec, "requiredAction"),
				get(rec, "vulnerabilityName"), get(rec, "knownRansomwareCampaignUse"))); err != nil {
				return err
			}
		}
	}
}

// readEPSS reads FIRST's EPSS CSV: "#model_version:v2023.03.01,score_date:
// 2023-06-07T00:00:00+0000", then "cve,epss,percentile" and the rows.
func readEPSS(r *bufio.Reader, h Handler) error {
	var date string
	line := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "":
			continue
		case strings.HasPrefix(s, "#"):
			for _, kv := range strings.Split(strings.TrimPrefix(s, "#"), ",") {
				if k, v, ok := strings.Cut(kv, ":"); ok && k == "score_date" {
					date = v
				}
			}
			continue
		case strings.HasPrefix(s, "cve,"):
			continue
		}
		f := strings.Split(s, ",")
		if len(f) < 3 || !strings.HasPrefix(f[0], "CVE-") {
			return fmt.Errorf("epss: line %d: want cve,epss,percentile", line)
		}
		score, err1 := strconv.ParseFloat(f[1], 64)
		pct, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil || score < 0 || score > 1 || pct < 0 || pct > 1 {
			return fmt.Errorf("epss: line %d: bad numbers", line)
		}
		if h.EPSS != nil {
			if err := h.EPSS(EPSS{CVE: f[0], Score: score, Percentile: pct, Date: date}); err != nil {
				return err
			}
		}
	}
	return sc.Err()
}
