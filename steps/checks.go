package steps

import (
	"context"
	"fmt"
)

// checkSteps are the response checks shared by every capability, kept in
// one place so that "refused" means the same thing everywhere.
func checkSteps(add func(string, any)) {
	add(`^the request is refused with status (\d+)$`, onInt(func(_ context.Context, w *World, status int64) error {
		se, err := w.apiError()
		if err != nil {
			return err
		}
		if int64(se.Status) != status {
			return fmt.Errorf("refused with %d %q (x-request-id %s), want %d", se.Status, se.Type, se.RequestID, status)
		}
		return nil
	}))
	add(`^the request is refused with status (\d+) and error "([^"]*)"$`, onIntStr(func(_ context.Context, w *World, status int64, typ string) error {
		se, err := w.apiError()
		if err != nil {
			return err
		}
		if int64(se.Status) != status || se.Type != typ {
			return fmt.Errorf("refused with %d %q (x-request-id %s), want %d %q", se.Status, se.Type, se.RequestID, status, typ)
		}
		return nil
	}))
}
