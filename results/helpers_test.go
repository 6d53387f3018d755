package results

import (
	"bytes"
	"encoding/json"
	"testing"
)

// resealed returns the file good (an enveloped partial file of the given
// schema) with its body replaced by edit(body) and the checksum
// recomputed by the package's own writer, so tests reach the checks that
// stand behind the checksum. It fails the test if edit changes nothing.
func resealed(t *testing.T, good []byte, schema string, edit func(string) string) []byte {
	t.Helper()
	var env envelope
	if err := json.Unmarshal(good, &env); err != nil {
		t.Fatal(err)
	}
	body := edit(string(env.Body))
	if body == string(env.Body) {
		t.Fatal("edit changed nothing")
	}
	var buf bytes.Buffer
	if err := writeEnvelope(&buf, schema, []byte(body)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
