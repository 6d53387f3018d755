package results

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type rangeWire struct {
	Lo uint64 `json:"lo"`
	Hi uint64 `json:"hi"`
}

type shardWire struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// envelope is the file: the schema, the SHA-256 of the body's bytes as
// written, and the body.
type envelope struct {
	Schema string          `json:"schema"`
	SHA256 string          `json:"sha256"`
	Body   json.RawMessage `json:"body"`
}

// openEnvelope checks a file's envelope: strict JSON, the expected schema
// and the body's SHA-256; it returns the body.
func openEnvelope(data []byte, schema string) ([]byte, error) {
	var env envelope
	if err := strictJSON(data, &env); err != nil {
		if len(data) == 0 {
			return nil, errors.New("empty file")
		}
		return nil, fmt.Errorf("not a complete %s file (truncated?): %w", schema, err)
	}
	if env.Schema != schema {
		return nil, fmt.Errorf("schema %q, want %q", env.Schema, schema)
	}
	sum := sha256.Sum256(env.Body)
	if got := hex.EncodeToString(sum[:]); got != env.SHA256 {
		return nil, fmt.Errorf("checksum mismatch: body has SHA-256 %s, file says %s", got, env.SHA256)
	}
	return env.Body, nil
}

// strictJSON decodes exactly one JSON value from data into v, refusing
// unknown fields and trailing data.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// saveFile encodes with save and writes the bytes to path atomically.
func saveFile(path string, save func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := save(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// MaxFileBytes is the largest partial-result or checkpoint file the
// loaders read (1 GiB; a study with trajectories takes about 470 bytes
// per arm and round, 240 MB for five arms at the largest horizon): a
// larger input (or an endless one such as /dev/zero) is refused with ErrCorrupt after reading at most this many
// bytes, so memory stays bounded whatever the input.
const MaxFileBytes = 1 << 30

// loadFile opens path and decodes it with load; errors name the file.
func loadFile[T any](path string, load func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	v, err := load(f)
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory (".NAME.tmp*"), synced and then renamed over path, so that
// path holds either its old content or all of data, never a mix, and a
// symbolic link at path is replaced, not followed. Temporary files of
// path left by an earlier writer that was killed (older than a minute)
// are removed.
func WriteFileAtomic(path string, data []byte) error { return writeFileAtomic(path, data) }

// staleTempAge is the age beyond which a temporary file of an atomic
// write is taken to belong to a killed writer.
const staleTempAge = time.Minute

func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	defer removeStaleTemps(dir, filepath.Base(path), time.Now().Add(-staleTempAge))
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not supported everywhere; the rename is done
		d.Close()
	}
	return nil
}

// removeStaleTemps removes the temporary files ".NAME.tmp*" of an atomic
// write of dir/NAME last modified before cutoff.
func removeStaleTemps(dir, name string, cutoff time.Time) {
	matches, err := filepath.Glob(filepath.Join(dir, "."+globEscape(name)+".tmp*"))
	if err != nil {
		return
	}
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(cutoff) {
			os.Remove(m)
		}
	}
}

// globEscape escapes the metacharacters of filepath.Match in s.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// PartialFileSchema returns the schema named at the start of a partial-
// result file ({"schema": ...}), PartialSchema or SweepPartialSchema, so
// that a reader can pick the loader. It reads only the first field, so it
// also names the schema of a truncated file; it returns an error wrapping
// ErrCorrupt if the file does not start with a schema.
func PartialFileSchema(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, 4096))
	bad := func() (string, error) {
		return "", fmt.Errorf("%s: results: %w: does not start with {\"schema\": ...}", path, ErrCorrupt)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return bad()
	}
	if t, err := dec.Token(); err != nil || t != "schema" {
		return bad()
	}
	t, err := dec.Token()
	s, ok := t.(string)
	if err != nil || !ok {
		return bad()
	}
	return s, nil
}

// writeEnvelope writes body in its envelope, {"schema", "sha256", "body"}
// followed by a newline, where sha256 is the SHA-256 of the body's bytes.
func writeEnvelope(w io.Writer, schema string, body []byte) error {
	sum := sha256.Sum256(body)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\"schema\":%q,\"sha256\":%q,\"body\":", schema, hex.EncodeToString(sum[:]))
	buf.Write(body)
	buf.WriteString("}\n")
	_, err := w.Write(buf.Bytes())
	return err
}

// readPart reads all of r and decodes it with decode; a decoding error is
// returned wrapping ErrCorrupt.
func readPart[T any](r io.Reader, decode func([]byte) (T, error)) (T, error) {
	return readPartMax(r, MaxFileBytes, decode)
}

// readPartMax is readPart refusing inputs longer than limit bytes.
func readPartMax[T any](r io.Reader, limit int, decode func([]byte) (T, error)) (T, error) {
	var zero T
	// A partial file is a JSON object: refuse anything else (binary data,
	// /dev/zero) at its first byte rather than after reading it all.
	br := bufio.NewReader(io.LimitReader(r, int64(limit)+1))
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return zero, fmt.Errorf("results: %w: empty file", ErrCorrupt)
		}
		if err != nil {
			return zero, err
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		if c != '{' {
			return zero, fmt.Errorf("results: %w: not a JSON partial-result file (starts with byte %#02x, want '{')", ErrCorrupt, c)
		}
		_ = br.UnreadByte()
		break
	}
	data, err := io.ReadAll(br)
	if err != nil {
		return zero, err
	}
	if len(data) > limit {
		return zero, fmt.Errorf("results: %w: larger than the limit of %d bytes for a partial-result file", ErrCorrupt, limit)
	}
	p, err := decode(data)
	if err != nil {
		return p, fmt.Errorf("results: %w: %w", ErrCorrupt, err)
	}
	return p, nil
}

// checkParts is the common preamble of the merges: at least one part, and
// every part compatible with the first (same reports how two parts
// differ) and of the same hash.
func checkParts[P any](parts []P, name func(P, int) string, hash func(P) (string, error), same func(ref, p P, a, b string) error, what string) error {
	if len(parts) == 0 {
		return errors.New("results: merge: no parts")
	}
	ref := parts[0]
	refHash, err := hash(ref)
	if err != nil {
		return err
	}
	for i, p := range parts[1:] {
		i++
		a, b := name(ref, 0), name(p, i)
		if err := same(ref, p, a, b); err != nil {
			return fmt.Errorf("results: merge: %w", err)
		}
		h, err := hash(p)
		if err != nil {
			return err
		}
		if h != refHash {
			return fmt.Errorf("results: merge: %w: %s differ (hash %.12s in %s, %.12s in %s)", ErrIncompatible, what, refHash, a, h, b)
		}
	}
	return nil
}

// partName is the name of part i in errors: its source, or "part i".
func partName(source string, i int) string {
	if source != "" {
		return source
	}
	return fmt.Sprintf("part %d", i)
}

// decodeEnvelope checks the envelope of data (see openEnvelope) and
// decodes its body strictly into v.
func decodeEnvelope(data []byte, schema string, v any) error {
	body, err := openEnvelope(data, schema)
	if err != nil {
		return err
	}
	return strictJSON(body, v)
}

// WriteEnvelope writes body, encoded as JSON, in the envelope every
// result file of this module uses: {"schema", "sha256", "body"} and a
// newline, where sha256 is the SHA-256 of the body's bytes as written. It
// lets other result kinds (such as the command's exploration parts) share
// one codec with study, sweep and checkpoint files.
func WriteEnvelope(w io.Writer, schema string, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return writeEnvelope(w, schema, raw)
}

// ReadEnvelope reads one enveloped file from r (at most MaxFileBytes; an
// input that is not a JSON object is refused at its first byte), checks
// the schema and the body's SHA-256, and decodes the body strictly into v
// (unknown fields and trailing data are errors). Every failure wraps
// ErrCorrupt. The checksum guards against corruption, not forgery: callers
// still check the body's internal consistency.
func ReadEnvelope(r io.Reader, schema string, v any) error {
	_, err := readPart(r, func(data []byte) (struct{}, error) {
		return struct{}{}, decodeEnvelope(data, schema, v)
	})
	return err
}
