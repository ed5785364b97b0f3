package cost

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// minutesPerWeek is the replay's span: a week, the period of every weekday schedule.
const minutesPerWeek = 7 * 24 * 60

// Action is one scheduled change of a scalable target's bounds (an appautoscaling scheduledAction).
type Action struct {
	// Schedule is the action's expression: cron(Minutes Hours Day-of-month Month Day-of-week [Year]).
	Schedule string
	Min, Max int
}

// Replay replays a week of scheduled actions over a service that starts at desired tasks within
// [min, max], as Application Auto Scaling does: each action sets the bounds and the count moves to the
// nearest one (a count of 0 raised to a minimum of 1 becomes 1; nothing raises it further, as a quiet stack's
// target tracking would not). It returns the task-hours of a week per task count. The week is replayed
// twice and the second measured, so the count at the week's start is the one the last action left.
// Times are the actions' own time zone: a week has 168 of its hours (a daylight-saving change is ignored).
//
// The expressions App Auto Scaling takes are at(), rate() and cron()
// (https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html);
// Replay reads cron() with fixed minutes and hours (lists and ranges too), any day of the month ('*' or
// '?'), any month and year, and days of the week as names or numbers (1 = SUN). It refuses anything else.
func Replay(desired, min, max int, actions []Action) (map[int]float64, error) {
	type event struct {
		at       int
		min, max int
	}
	var events []event
	for _, a := range actions {
		times, err := weekMinutes(a.Schedule)
		if err != nil {
			return nil, err
		}
		for _, t := range times {
			events = append(events, event{t, a.Min, a.Max}, event{t + minutesPerWeek, a.Min, a.Max})
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].at < events[j].at })
	count := clamp(desired, min, max)
	hours := map[int]float64{}
	prev := 0
	for _, e := range append(events, event{at: 2 * minutesPerWeek, min: min, max: max}) {
		if from := maxInt(prev, minutesPerWeek); e.at > from {
			hours[count] += float64(e.at-from) / 60
		}
		prev = e.at
		if e.at < 2*minutesPerWeek {
			count = clamp(count, e.min, e.max)
		}
	}
	return hours, nil
}

// weekMinutes lists the minutes of a week (0 = Monday 00:00) a cron() expression fires at.
func weekMinutes(expr string) ([]int, error) {
	body, ok := strings.CutPrefix(strings.TrimSpace(expr), "cron(")
	if !ok || !strings.HasSuffix(body, ")") {
		return nil, fmt.Errorf("schedule %q: only cron() expressions are replayed", expr)
	}
	f := strings.Fields(strings.TrimSuffix(body, ")"))
	if len(f) != 5 && len(f) != 6 {
		return nil, fmt.Errorf("schedule %q: a cron() expression has 6 fields", expr)
	}
	minutes, err := numbers(f[0], 0, 59, nil)
	if err != nil {
		return nil, fmt.Errorf("schedule %q minutes: %w", expr, err)
	}
	hours, err := numbers(f[1], 0, 23, nil)
	if err != nil {
		return nil, fmt.Errorf("schedule %q hours: %w", expr, err)
	}
	if (f[2] != "*" && f[2] != "?") || f[3] != "*" || (len(f) == 6 && f[5] != "*") {
		return nil, fmt.Errorf("schedule %q: only every day of the month, every month and every year are replayed", expr)
	}
	days := []int{1, 2, 3, 4, 5, 6, 7}
	if f[4] != "*" && f[4] != "?" {
		if days, err = numbers(f[4], 1, 7, weekdays); err != nil {
			return nil, fmt.Errorf("schedule %q days of the week: %w", expr, err)
		}
	}
	var out []int
	for _, d := range days {
		monday := (d + 5) % 7 // cron's 1 = SUN; the replay's week starts on Monday
		for _, h := range hours {
			for _, m := range minutes {
				out = append(out, monday*24*60+h*60+m)
			}
		}
	}
	return out, nil
}

// weekdays are cron's day names (1 = SUN).
var weekdays = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

// numbers reads a cron field of values, lists (a,b) and ranges (a-b), with names where given.
func numbers(field string, lo, hi int, names map[string]int) ([]int, error) {
	if field == "*" && names == nil {
		out := make([]int, 0, hi-lo+1)
		for i := lo; i <= hi; i++ {
			out = append(out, i)
		}
		return out, nil
	}
	value := func(s string) (int, error) {
		if n, ok := names[strings.ToUpper(s)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("%q is not a value from %d to %d", s, lo, hi)
		}
		return n, nil
	}
	var out []int
	for _, part := range strings.Split(field, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, err := value(from)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = value(to); err != nil {
				return nil, err
			}
		}
		if b < a {
			return nil, fmt.Errorf("range %q runs backwards", part)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

func clamp(n, lo, hi int) int {
	if n < lo {
		return lo
	}
	if n > hi {
		return hi
	}
	return n
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
