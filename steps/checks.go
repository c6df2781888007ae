package steps

import (
	"context"

	"github.com/openbank-homolog/homolog/check"
)

// refusalSteps judge the scenario's last API call as a refusal; they mean
// the same thing whatever the capability.
func refusalSteps() []Definition {
	return []Definition{
		step(kindCheck, `^the request is refused with status (\d+)$`, func(w *World) any { return w.refused }).
			pt(`^a requisição é recusada com status (\d+)$`),
		step(kindCheck, `^the request is refused with status (\d+) and error "([^"]*)"$`, func(w *World) any { return w.refusedWithType }).
			pt(`^a requisição é recusada com status (\d+) e erro "([^"]*)"$`),
	}
}

func (w *World) refused(ctx context.Context, status int64) error {
	return w.verify(ctx, check.Refused, params("status", status), check.Inputs{"response": w.last})
}

func (w *World) refusedWithType(ctx context.Context, status int64, typ string) error {
	return w.verify(ctx, check.Refused, params("status", status, "type", typ), check.Inputs{"response": w.last})
}
