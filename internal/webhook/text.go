package webhook

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// text is an event as one chat message in Slack's mrkdwn, which Slack,
// Mattermost, Rocket.Chat and Discord's Slack-compatible endpoints read:
// what happened, the claim, its verdict and a link.
func (s *Service) text(ev store.Event) string {
	c := ev.Claim
	if c == nil {
		if ev.Type == factcheck.EventTest {
			return "Test event from " + esc(s.cfg.Newsroom) + ": this endpoint receives claimdesk webhooks."
		}
		return esc(string(ev.Type))
	}
	label := c.RatingKey
	if c.Rating != nil {
		label = c.Rating.Label
	}
	public := s.cfg.BaseURL + "/claims/" + strconv.FormatInt(c.ID, 10)
	if c.Slug != "" {
		public += "-" + c.Slug
	}
	desk := s.cfg.BaseURL + "/desk/claims/" + strconv.FormatInt(c.ID, 10)
	claim := "“" + esc(clip(c.Headline(), 200)) + "” (" + esc(c.Claimant) + ")"
	verdict := ""
	if label != "" {
		verdict = " *" + esc(label) + "*:"
	}
	note := ""
	if c.CorrectionNote != "" {
		note = " Note: " + esc(clip(c.CorrectionNote, 300))
	}
	switch ev.Type {
	case factcheck.EventClaimSubmitted:
		return "Submitted for review:" + verdict + " " + claim + " " + link(desk, "Review it on the desk")
	case factcheck.EventClaimPublished:
		return "Published:" + verdict + " " + claim + " " + link(public, "Read the fact check")
	case factcheck.EventClaimCorrected:
		return "Corrected:" + verdict + " " + claim + "." + note + " " + link(public, "Read the fact check")
	case factcheck.EventClaimRetracted:
		return "Retracted: " + claim + "." + note + " " + link(public, "Read the note")
	case factcheck.EventClaimReappeared:
		return "Seen again:" + verdict + " " + claim + " " + link(desk, "Open it on the desk")
	case factcheck.EventReportCreated:
		msg := ""
		if ev.Report != nil {
			msg = ": “" + esc(clip(ev.Report.Message, 300)) + "”"
		}
		return "A reader reported an error in " + claim + msg + " " + link(s.cfg.BaseURL+"/desk/reports", "See the reports")
	case factcheck.EventTest:
		return "Test event from " + esc(s.cfg.Newsroom) + ". Latest fact check:" + verdict + " " + claim + " " + link(public, "Read it")
	}
	return esc(string(ev.Type)) + ": " + claim
}

// esc escapes the three characters Slack's mrkdwn gives meaning to.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// link is a mrkdwn link.
func link(url, label string) string { return "<" + url + "|" + esc(label) + ">" }

// clip shortens s to n characters with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
