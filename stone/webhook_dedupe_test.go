package stone

import (
	"context"
	"fmt"
	"testing"
)

func TestMemoryDeduperBound(t *testing.T) {
	d := NewMemoryDeduper(2)
	c := context.Background()
	for i := range 3 {
		id := fmt.Sprint("e", i)
		if s, _ := d.Begin(c, id); s != DedupeNew {
			t.Fatalf("%s: %v", id, s)
		}
		_ = d.End(c, id, true)
	}
	if s, _ := d.Begin(c, "e0"); s != DedupeNew {
		t.Errorf("oldest id still remembered beyond the bound: %v", s)
	}
	if s, _ := d.Begin(c, "e2"); s != DedupeDone {
		t.Errorf("newest id forgotten: %v", s)
	}
	if s, _ := d.Begin(c, "e0"); s != DedupeInFlight {
		t.Errorf("claimed id: %v", s)
	}
	_ = d.End(c, "e0", false)
	if s, _ := d.Begin(c, "e0"); s != DedupeNew {
		t.Errorf("released id: %v", s)
	}
}
