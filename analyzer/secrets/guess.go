package secrets

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/rules/credentials"
)

// matcher checks one password guess: a crypt hash, or a scheme of our own
// (NT hashes of smbpasswd).
type matcher interface {
	Match(password string) bool
}

// guessJob is one stored hash to try the default list against.
type guessJob struct {
	hash  matcher
	key   string // the stored form: jobs with the same key and user share one search
	slow  bool
	user  string
	sev   model.Severity
	ev    model.Evidence
	props map[string]string
	// rule and texts of the finding a hit gives; default-password if empty.
	rule         string
	title, remed model.Text
	criteria     []string
	found        *credentials.Candidate // set by the worker that searched it
}

// slowGuesses is how many list entries a slow hash (bcrypt, yescrypt) gets:
// about a second of work each at libxcrypt's default costs.
const slowGuesses = 24

func (s *scan) queueGuess(j *guessJob) {
	if h, ok := j.hash.(interface{ Guessable() bool }); ok && !h.Guessable() {
		return
	}
	if h, ok := j.hash.(interface{ SchemeSlow() bool }); ok {
		j.slow = h.SchemeSlow()
	}
	s.mu.Lock()
	s.guesses = append(s.guesses, j)
	s.mu.Unlock()
}

// order puts the candidates the lists pair with this account first, then the
// user name itself, then the rest in list order.
func order(cands []credentials.Candidate, user string, slow bool) []credentials.Candidate {
	var first, rest []credentials.Candidate
	for _, c := range cands {
		if user != "" && slices.Contains(c.Users, user) {
			first = append(first, c)
		} else {
			rest = append(rest, c)
		}
	}
	if user != "" {
		first = append(first, credentials.Candidate{Password: user, Sources: []string{"user-name"}})
	}
	out := append(first, rest...)
	if slow && len(out) > slowGuesses+len(first) {
		out = out[:slowGuesses+len(first)]
	}
	return out
}

// guessAll tries the default list on every queued hash, on all workers.
func (s *scan) guessAll() {
	jobs := make(chan *guessJob)
	var wg sync.WaitGroup
	for range s.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				s.guess(j)
			}
		}()
	}
	// Slow hashes first, so they do not end up alone on one worker.
	slices.SortStableFunc(s.guesses, func(a, b *guessJob) int {
		switch {
		case a.slow == b.slow:
			return 0
		case a.slow:
			return -1
		}
		return 1
	})
	// Backups (shadow-) repeat their hashes: search each once.
	first := map[string]*guessJob{}
	var dups []*guessJob
	for _, j := range s.guesses {
		if s.ctx.Err() != nil {
			break
		}
		k := j.key + "\x00" + j.user
		if j.key != "" && first[k] != nil {
			dups = append(dups, j)
			continue
		}
		first[k] = j
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	for _, j := range dups {
		if f := first[j.key+"\x00"+j.user]; f.found != nil {
			s.report(j, *f.found)
		}
	}
}

func (s *scan) guess(j *guessJob) {
	for _, c := range order(s.rules.candidates, j.user, j.slow) {
		if s.ctx.Err() != nil {
			return
		}
		if j.hash.Match(c.Password) {
			j.found = &c
			s.report(j, c)
			return
		}
	}
}

// report records a guessed password.
func (s *scan) report(j *guessJob, c credentials.Candidate) {
	props := maps.Clone(j.props)
	if props == nil {
		props = map[string]string{}
	}
	var titles []string
	for _, id := range c.Sources {
		if id == "user-name" {
			titles = append(titles, "the account's own name")
		} else {
			titles = append(titles, s.rules.creds.SourceTitle(id))
		}
	}
	props["list"] = strings.Join(titles, "; ")
	props["list_ids"] = strings.Join(c.Sources, ",")
	rule, title, remed, crit := "default-password", txtDefault, remDefault, critS02
	if j.rule != "" {
		rule, title, remed, crit = j.rule, j.title, j.remed, j.criteria
	}
	fd := finding(rule, model.KindCredential, j.sev, model.ConfHigh, crit, title, remed, keyOf(j.user, j.key, "cracked"), j.ev)
	fd.Detail = model.Text{
		EN: "The stored hash matches a password from: " + props["list"] + ".",
		JA: "保存されたハッシュは次の一覧のパスワードと一致します: " + props["list"] + "。",
	}
	fd.Props = props
	fd.Secret = c.Password
	s.add(fd)
}
