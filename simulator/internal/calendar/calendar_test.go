package calendar

import (
	"testing"
)

import ()

func TestHolidays(t *testing.T) {
	for day, name := range map[string]string{
		"2026-02-16": "Carnaval", "2026-02-17": "Carnaval", "2026-04-03": "Sexta-feira Santa", "2026-06-04": "Corpus Christi",
		"2027-03-26": "Sexta-feira Santa", "2026-11-20": "Dia Nacional de Zumbi e da Consciência Negra", "2026-12-25": "Natal",
		"2026-04-21": "Tiradentes",
	} {
		d, _ := ParseDay(day)
		if got, ok := Holiday(d); !ok || got != name {
			t.Errorf("%s = %q %v, want %s", day, got, ok, name)
		}
	}
	d, _ := ParseDay("2023-11-20")
	if _, ok := Holiday(d); ok {
		t.Error("20 November was not a national holiday before 2024")
	}
	for from, want := range map[string]string{"2026-12-24": "2026-12-24", "2026-12-25": "2026-12-28", "2026-12-31": "2026-12-31", "2027-01-01": "2027-01-04"} {
		d, _ := ParseDay(from)
		if got := DateString(NextBusinessDay(d)); got != want {
			t.Errorf("next business day from %s = %s, want %s", from, got, want)
		}
	}
}
