package check

import "fmt"

type ted struct {
	operation
	DelayedToNextBusinessDay bool    `json:"delayed_to_next_business_day"`
	ScheduledToEffective     *string `json:"scheduled_to_effective"`
	Target                   struct {
		Account struct {
			InstitutionISPB string `json:"institution_ispb"`
			InstitutionName string `json:"institution_name"`
		} `json:"account"`
	} `json:"target"`
}

// tedAccepted: the TED (role "response") runs today — it was accepted
// APPROVED and its reads (role "reads") reach FINISHED — or, outside the
// TED window, Stone moved it to the next business day
// (DELAYED_TO_NEXT_BUSINESS_DAY with delayed_to_next_business_day and
// scheduled_to_effective set, stone-api.md §5.2).
func tedAccepted(p Params, in Inputs) error {
	var t ted
	r, err := in.answer("response", &t)
	if err != nil {
		return err
	}
	switch t.Status {
	case "DELAYED_TO_NEXT_BUSINESS_DAY":
		if !t.DelayedToNextBusinessDay || t.ScheduledToEffective == nil || *t.ScheduledToEffective == "" {
			eff := "null"
			if t.ScheduledToEffective != nil {
				eff = fmt.Sprintf("%q", *t.ScheduledToEffective)
			}
			return fmt.Errorf("%s: TED %s is DELAYED_TO_NEXT_BUSINESS_DAY but delayed_to_next_business_day=%v, scheduled_to_effective=%s", where(r), t.ID, t.DelayedToNextBusinessDay, eff)
		}
		return nil
	case "APPROVED", "FINISHED":
		if t.Status == "FINISHED" && len(in.http("reads")) == 0 {
			return nil
		}
		return status(Params{"status": "FINISHED", "what": "TED"}, in)
	default:
		return fmt.Errorf("%s: TED %s has status %q, want APPROVED (then FINISHED) or DELAYED_TO_NEXT_BUSINESS_DAY", where(r), t.ID, t.Status)
	}
}

// tedInstitutionResolved: Stone resolved the TED's target institution
// (role "response") to its ISPB and name.
func tedInstitutionResolved(_ Params, in Inputs) error {
	var t ted
	r, err := in.answer("response", &t)
	if err != nil {
		return err
	}
	if a := t.Target.Account; a.InstitutionName == "" || a.InstitutionISPB == "" {
		return fmt.Errorf("%s: TED %s: target institution not resolved (institution_ispb %q, institution_name %q)", where(r), t.ID, a.InstitutionISPB, a.InstitutionName)
	}
	return nil
}
