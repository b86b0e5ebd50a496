package audit

import (
	"fmt"
	"strings"
)

// estateLine summarises the estate in one line.
func estateLine(sec *EstateSection) string {
	s := fmt.Sprintf("%s in %s, %d live, %d dead", strings.TrimSuffix(canaries(sec.Birds, "", ""), " "), plural(len(sec.Flocks), "flock"), sec.Live, sec.Dead)
	if sec.LatestVersion != "" {
		s += fmt.Sprintf(", %d behind %s", sec.Outdated, sec.LatestVersion)
	}
	return s
}

func downText(b BirdRef) string {
	if b.DownForDays == 0 {
		return "-"
	}
	return fmtDown(b.DownForDays)
}

func writeEstateMarkdown(ew *errWriter, sec *EstateSection) {
	ew.println("## Estate (Canaries and flocks)\n")
	ew.printf("%s.\n\n", md(estateLine(sec)))
	ew.println("| Flock | Canaries | Live | Dead | Tokens | Enabled | Coverage | Missing kinds | Incidents | Unacknowledged |")
	ew.println("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
	for _, f := range sec.Flocks {
		ew.printf("| %s | %d | %d | %d | %d | %d | %s | %s | %d | %d |\n", md(f.Name), f.Birds, f.LiveBirds, f.DeadBirds,
			f.Tokens, f.EnabledTokens, fmtPercent(f.ScorePercent), kindList(f.Missing, code), f.Incidents, f.Unacknowledged)
	}
	ew.println("")
	ew.println("### Dead Canaries\n")
	if len(sec.DeadBirds) == 0 {
		ew.println("None.\n")
	} else {
		writeBirds(ew, sec.DeadBirds)
	}
	if sec.LatestVersion != "" {
		ew.printf("### Canaries behind on updates (older than %s)\n\n", md(sec.LatestVersion))
		if len(sec.OutdatedBirds) == 0 {
			ew.println("None.\n")
		} else {
			writeBirds(ew, sec.OutdatedBirds)
		}
	}
}

func writeBirds(ew *errWriter, bs []BirdRef) {
	ew.println("| Canary | Node ID | Flock | Version | Live | Last seen | Down for |")
	ew.println("|---|---|---|---|---|---|---|")
	for _, b := range bs {
		ew.printf("| %s | %s | %s | %s | %s | %s | %s |\n", md(b.Name), code(b.NodeID), md(b.FlockName), md(b.Version),
			yesNo(b.Live), fmtTime(b.LastSeen), downText(b))
	}
	ew.println("")
}

func writeEstateText(ew *errWriter, sec *EstateSection) {
	ew.printf("\nESTATE: %s\n", clean(estateLine(sec)))
	tw, tew := table(ew)
	tew.println("  FLOCK\tCANARIES\tLIVE\tDEAD\tTOKENS\tENABLED\tCOVERAGE\tINCIDENTS\tUNACK\tMISSING KINDS")
	for _, f := range sec.Flocks {
		tew.printf("  %s\t%d\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t%s\n", clean(f.Name), f.Birds, f.LiveBirds, f.DeadBirds,
			f.Tokens, f.EnabledTokens, fmtPercent(f.ScorePercent), f.Incidents, f.Unacknowledged, kindList(f.Missing, clean))
	}
	flush(ew, tew, tw)
	textBirds := func(title string, bs []BirdRef) {
		if len(bs) == 0 {
			return
		}
		ew.printf("\n%s\n", title)
		tw, tew := table(ew)
		tew.println("  CANARY\tNODE ID\tFLOCK\tVERSION\tLAST SEEN\tDOWN FOR")
		for _, b := range bs {
			tew.printf("  %s\t%s\t%s\t%s\t%s\t%s\n", clean(b.Name), clean(b.NodeID), clean(b.FlockName), clean(b.Version),
				fmtTime(b.LastSeen), downText(b))
		}
		flush(ew, tew, tw)
	}
	textBirds("DEAD CANARIES", sec.DeadBirds)
	textBirds(strings.ToUpper("Canaries behind on updates (older than ")+clean(sec.LatestVersion)+")", sec.OutdatedBirds)
}
