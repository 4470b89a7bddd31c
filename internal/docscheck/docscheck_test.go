package docscheck

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/internal/cli"
)

// docs are the pages whose flags and variables are checked.
var docs = []string{"README.md", "docs/operations.md", "docs/subscribing.md", "deploy/README.md"}

const composeFile = "deploy/docker-compose.yml"

// all are every command: the services, stacksetup and the wirewatch verbs
// (keyed by verb).
func all(t *testing.T) map[string]*command {
	t.Helper()
	cmds := maps.Clone(serviceCommands(t))
	for verb, c := range cliCommands(t) {
		cmds["wirewatch "+verb] = c
	}
	return cmds
}

// TestOperationsTables checks docs/operations.md's flag tables against the
// services: every row's flag exists in each service its section is about,
// with the variables and the default the row gives, and every flag and
// variable of a service has a row, in "Common flags" or in its own section.
func TestOperationsTables(t *testing.T) {
	cmds := serviceCommands(t)
	d := readDoc(t, "docs/operations.md")
	documented := map[string]map[string]bool{} // service -> flags and variables with a row
	for _, s := range services {
		documented[s] = map[string]bool{}
	}
	for _, tb := range d.tables() {
		fc := tb.column("flag")
		if fc < 0 {
			continue
		}
		ec, dc := tb.column("environment"), tb.column("default")
		var about []string
		switch {
		case tb.section == "Common flags":
			about = services
		case slices.Contains(services, tb.section):
			about = []string{tb.section}
		default:
			t.Errorf("%s:%d: a flag table in section %q, which is about no service", d.path, tb.line, tb.section)
			continue
		}
		for i, row := range tb.rows {
			line := tb.line + 2 + i
			if len(row) != len(tb.header) {
				t.Errorf("%s:%d: %d cells under %d columns", d.path, line, len(row), len(tb.header))
				continue
			}
			var flag string
			for _, c := range codeSpans(row[fc]) {
				if f := flagsIn(c); len(f) > 0 {
					flag = f[0]
					break
				}
			}
			if flag == "" {
				t.Errorf("%s:%d: row %q names no flag", d.path, line, row[fc])
				continue
			}
			var envs []string
			if ec >= 0 && ec < len(row) {
				envs = envName.FindAllString(row[ec], -1)
			}
			var def string
			if dc >= 0 && dc < len(row) {
				if c := codeSpans(row[dc]); len(c) > 0 {
					def = c[0]
				}
			}
			for _, s := range about {
				c := cmds[s]
				documented[s][flag] = true
				for _, v := range envs {
					documented[s][v] = true
				}
				f, ok := c.flags[flag]
				if !ok {
					t.Errorf("%s:%d: --%s: %s has no such flag", d.path, line, flag, s)
					continue
				}
				for _, v := range envs {
					switch {
					case !c.env[v]:
						t.Errorf("%s:%d: %s: %s reads no such variable", d.path, line, v, s)
					case c.envFlag[v] != flag:
						t.Errorf("%s:%d: %s sets --%s of %s, not --%s", d.path, line, v, c.envFlag[v], s, flag)
					}
				}
				if ec >= 0 {
					for v, fl := range c.envFlag {
						if fl == flag && !slices.Contains(envs, v) {
							t.Errorf("%s:%d: --%s of %s: %s sets it, the row does not say so", d.path, line, flag, s, v)
						}
					}
				}
				if def != "" && !sameDefault(def, f) {
					t.Errorf("%s:%d: --%s of %s: default %q, but %s -h says %q", d.path, line, flag, s, def, s, printedDefault(f))
				}
			}
		}
	}
	for _, s := range services {
		c := cmds[s]
		for _, f := range slices.Sorted(maps.Keys(c.flags)) {
			if !documented[s][f] {
				t.Errorf("%s: --%s of %s has no row (in \"Common flags\" or \"%s\")", d.path, f, s, s)
			}
		}
		for _, v := range slices.Sorted(maps.Keys(c.env)) {
			if !documented[s][v] {
				t.Errorf("%s: %s of %s (--%s) has no row (in \"Common flags\" or \"%s\")", d.path, v, s, c.envFlag[v], s)
			}
		}
	}
}

// printedDefault is the default -h shows for f, false for a boolean that
// shows none.
func printedDefault(f flagInfo) string {
	if f.def == "" && f.kind == "" {
		return "false"
	}
	return f.def
}

// sameDefault reports whether a documented default is f's default: the
// same text, duration or number. A default -h does not show (a computed
// one) is not compared.
func sameDefault(doc string, f flagInfo) bool {
	got := printedDefault(f)
	if got == "" || doc == got {
		return got == "" || doc == got
	}
	if a, err := time.ParseDuration(doc); err == nil {
		b, err := time.ParseDuration(got)
		return err == nil && a == b
	}
	if a, err := strconv.ParseFloat(strings.ReplaceAll(doc, ",", ""), 64); err == nil {
		b, err := strconv.ParseFloat(got, 64)
		return err == nil && a == b
	}
	return false
}

// mention is a command named in a piece of code: a wirewatch verb, a
// service's binary, or stacksetup. The flags after it are that command's.
var mention = regexp.MustCompile(`(?:^|[\s(])(?:\S*/)?(?:wirewatch (` + verbNames() + `)|(stacksetup))\b` +
	`|^\s*(?:\S*/)?(fetcher|extractor|deduper|sink)\b|(?:bin|cmd)/(fetcher|extractor|deduper|sink)\b` +
	`|^\s*(` + verbNames() + `) -`)

// verbNames are the verbs with flags, as a regexp alternation.
func verbNames() string {
	var names []string
	for _, v := range verbs {
		if !slices.Contains(names, v[0]) {
			names = append(names, v[0])
		}
	}
	return strings.Join(names, "|")
}

// TestVerbs checks that every verb 'wirewatch help' lists has its flags
// checked here, and that README.md shows it.
func TestVerbs(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli.Main(context.Background(), []string{"help"}, cli.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("wirewatch help: exit %d\n%s", code, stderr.String())
	}
	listed := regexp.MustCompile(`(?m)^\s+wirewatch ([a-z]+)`).FindAllStringSubmatch(stdout.String(), -1)
	if len(listed) < 5 {
		t.Fatalf("wirewatch help lists %d verbs:\n%s", len(listed), stdout.String())
	}
	readme := strings.Join(readDoc(t, "README.md").lines, "\n")
	known := "|" + verbNames() + "|version|"
	for _, m := range listed {
		if !strings.Contains(known, "|"+m[1]+"|") {
			t.Errorf("wirewatch %s: a verb whose flags this test does not check; add it to verbs", m[1])
		}
		if !strings.Contains(readme, "wirewatch "+m[1]) {
			t.Errorf("README.md does not show wirewatch %s", m[1])
		}
	}
}

// TestMention checks which command the flags of a piece of code are
// taken to be of.
func TestMention(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"go run ./cmd/wirewatch run --input x", "run"},
		{"docker compose run --rm wirewatch tail 'news.>' --since 1h", "tail"},
		{"bin/fetcher   --nats nats://127.0.0.1:4222 --watch", "fetcher"},
		{"cmd/sink", "sink"},
		{"run --listen 127.0.0.1:4222", "run"},
		{"go run ./cmd/stacksetup secrets --force", "stacksetup"},
		{"consumer extractor", ""},
		{"_INBOX_sink", ""},
		{"docker build --build-arg BIN=", ""},
		{"--stage deduper --reason panic", ""},
	} {
		got := ""
		if m := mention.FindStringSubmatch(tc.code); m != nil {
			got = strings.Join(m[1:], "")
		}
		if got != tc.want {
			t.Errorf("%q: command %q, want %q", tc.code, got, tc.want)
		}
	}
}

// TestDocumentedFlagsExist checks every --flag in the code of the docs: one
// after a command (wirewatch run ..., bin/fetcher ..., cmd/sink ...) must
// be a flag of that command; a piece of code that is only flags must hold
// flags of some wirewatch command.
func TestDocumentedFlagsExist(t *testing.T) {
	cmds := all(t)
	anyCmd := map[string]bool{}
	for _, c := range cmds {
		for f := range c.flags {
			anyCmd[f] = true
		}
	}
	has := func(set map[string]bool, flag string) bool {
		if strings.HasSuffix(flag, "-") {
			for f := range set {
				if strings.HasPrefix(f, flag) {
					return true
				}
			}
			return false
		}
		return set[flag]
	}
	checked := 0
	for _, path := range docs {
		d := readDoc(t, path)
		var last *command // the command the previous line of a fenced block ends with
		for _, sp := range d.code() {
			ms := mention.FindAllStringSubmatchIndex(sp.text, -1)
			trimmed := strings.TrimSpace(sp.text)
			// The flags before the first command: those of the command a
			// fenced block's previous line ran, when this line goes on
			// with its flags; of any command, when the code is flags only.
			head := len(sp.text)
			if len(ms) > 0 {
				head = ms[0][0]
			}
			var set map[string]bool
			of := "no wirewatch command"
			switch {
			case sp.fenced && last != nil && (strings.HasPrefix(trimmed, "-") || strings.HasPrefix(trimmed, "[")):
				set, of = flagSet(last), last.name
			case strings.HasPrefix(trimmed, "-"):
				set = anyCmd
				last = nil
			default:
				last = nil
			}
			if set != nil {
				for _, f := range flagsIn(sp.text[:head]) {
					checked++
					if !has(set, f) {
						t.Errorf("%s:%d: --%s in %q: not a flag of %s", path, sp.line, f, sp.text, of)
					}
				}
			}
			for i, m := range ms {
				name := ""
				for g := 2; g < len(m); g += 2 {
					if m[g] >= 0 {
						name = sp.text[m[g]:m[g+1]]
						break
					}
				}
				c := cmds[name]
				if c == nil {
					c = cmds["wirewatch "+name]
				}
				if c == nil {
					t.Fatalf("%s:%d: no command %q", path, sp.line, name)
				}
				end := len(sp.text)
				if i+1 < len(ms) {
					end = ms[i+1][0]
				}
				for _, f := range flagsIn(sp.text[m[1]:end]) {
					checked++
					if !has(flagSet(c), f) {
						t.Errorf("%s:%d: --%s in %q is not a flag of %s", path, sp.line, f, sp.text, c.name)
					}
				}
				if sp.fenced {
					last = c
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d flags found in the docs: is the parser still reading them?", checked)
	}
}

func flagSet(c *command) map[string]bool {
	set := map[string]bool{}
	for f := range c.flags {
		set[f] = true
	}
	return set
}

// codeNames are the WIREWATCH_* names the code gives things other than
// variables: KV buckets (a literal on a line naming a Bucket) and name
// prefixes (a literal ending in _).
func codeNames(t *testing.T) map[string]bool {
	t.Helper()
	lit := regexp.MustCompile(`"(WIREWATCH_[A-Z0-9_]*)"`)
	names := map[string]bool{}
	for _, dir := range []string{"pkg", "services", "internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for line := range strings.SplitSeq(string(b), "\n") {
				for _, m := range lit.FindAllStringSubmatch(line, -1) {
					if strings.Contains(line, "Bucket") || strings.HasSuffix(m[1], "_") {
						names[m[1]] = true
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(names) == 0 {
		t.Fatal("no bucket names found in the code")
	}
	return names
}

// composeVar is a ${NAME:-default} substitution of the compose file.
var composeVar = regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)(?::?-([^}]*))?\}`)

// TestDocumentedVariablesExist checks every WIREWATCH_* name in the docs:
// each is a variable some command reads, a KV bucket or name prefix of the
// code, or a variable the compose file substitutes.
func TestDocumentedVariablesExist(t *testing.T) {
	cmds := all(t)
	known := codeNames(t)
	for _, c := range cmds {
		for v := range c.env {
			known[v] = true
		}
	}
	compose, err := os.ReadFile(filepath.Join(root, composeFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range composeVar.FindAllStringSubmatch(string(compose), -1) {
		known[m[1]] = true
	}
	for _, path := range docs {
		d := readDoc(t, path)
		for i, line := range d.lines {
			for _, name := range envName.FindAllString(line, -1) {
				ok := known[name]
				if strings.HasSuffix(name, "_") {
					for k := range known {
						ok = ok || strings.HasPrefix(k, name)
					}
				}
				if !ok {
					t.Errorf("%s:%d: %s is no variable a wirewatch command reads, nor a bucket of the code", path, i+1, name)
				}
			}
		}
	}
}

// TestComposeEnvironment checks the compose file against the commands its
// services run: every WIREWATCH_* variable a service is given is one its
// command reads, and every variable it substitutes is in deploy/README.md's
// table with the same default.
func TestComposeEnvironment(t *testing.T) {
	cmds := all(t)
	compose, err := os.ReadFile(filepath.Join(root, composeFile))
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string][]string{ // compose service or anchor -> commands
		"x-service-env": services,
		"fetcher":       {"fetcher"}, "extractor": {"extractor"}, "deduper": {"deduper"}, "sink": {"sink"},
		"setup":     {"stacksetup"},
		"wirewatch": {"wirewatch tail", "wirewatch record", "wirewatch replay", "wirewatch dlq", "wirewatch feeds"},
	}
	key := regexp.MustCompile(`^\s+(WIREWATCH_[A-Z0-9_]+):`)
	var top, svc string
	given := 0
	for i, line := range strings.Split(string(compose), "\n") {
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#"):
			continue
		case !strings.HasPrefix(line, " "):
			top, svc = strings.TrimSuffix(strings.Fields(line)[0], ":"), ""
		case top == "services" && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   "):
			svc = strings.TrimSuffix(strings.TrimSpace(line), ":")
		}
		m := key.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		who := top
		if top == "services" {
			who = svc
		}
		names, ok := runs[who]
		if !ok {
			t.Errorf("%s:%d: %s given to %q, which runs no wirewatch command", composeFile, i+1, m[1], who)
			continue
		}
		given++
		for _, n := range names {
			if !cmds[n].env[m[1]] {
				t.Errorf("%s:%d: %s given to %s, but %s does not read it", composeFile, i+1, m[1], who, n)
			}
		}
	}
	if given < 10 {
		t.Errorf("only %d variables found in %s: is the parser still reading it?", given, composeFile)
	}

	// The substituted variables and their defaults, against deploy/README.md.
	want := map[string]string{}
	for _, m := range composeVar.FindAllStringSubmatch(string(compose), -1) {
		if old, ok := want[m[1]]; ok && old != m[2] {
			t.Errorf("%s: ${%s} has two defaults, %q and %q", composeFile, m[1], old, m[2])
		}
		want[m[1]] = m[2]
	}
	d := readDoc(t, "deploy/README.md")
	listed := map[string]bool{}
	for _, tb := range d.tables() {
		vc, dc := tb.column("variable"), tb.column("default")
		if vc < 0 || dc < 0 {
			continue
		}
		for i, row := range tb.rows {
			line := tb.line + 2 + i
			vars, defs := codeSpans(row[vc]), codeSpans(row[dc])
			for j, v := range vars {
				listed[v] = true
				def, ok := want[v]
				if !ok {
					t.Errorf("deploy/README.md:%d: %s is not substituted in %s", line, v, composeFile)
					continue
				}
				if j >= len(defs) || defs[j] != def {
					t.Errorf("deploy/README.md:%d: %s defaults to %q in %s; the table says %q", line, v, def, composeFile, defs)
				}
			}
		}
	}
	for _, v := range slices.Sorted(maps.Keys(want)) {
		if !listed[v] {
			t.Errorf("%s substitutes ${%s}; deploy/README.md's table does not list it", composeFile, v)
		}
	}
}

// TestMalformedVariablesStopServices holds the services to what
// docs/operations.md promises, that a service checks its whole
// configuration before it starts and reports every problem: a variable
// that gives a boolean, number or duration flag its default must not be
// ignored when it is malformed.
func TestMalformedVariablesStopServices(t *testing.T) {
	cmds := serviceCommands(t)
	bins := build(t)
	typed := map[string]bool{"": true, "int": true, "int64": true, "uint": true, "uint64": true, "float": true, "duration": true}
	for _, s := range services {
		t.Run(s, func(t *testing.T) {
			c := cmds[s]
			// With an empty --nats a service stops at its checks.
			base := bins[s].run(t, nil, "-nats", "")
			n := 0
			for _, v := range slices.Sorted(maps.Keys(c.envFlag)) {
				if !typed[c.flags[c.envFlag[v]].kind] {
					continue
				}
				n++
				if got := bins[s].run(t, map[string]string{v: "not-a-value"}, "-nats", ""); got == base {
					t.Errorf("%s=not-a-value (--%s) is ignored: %s starts as without it", v, c.envFlag[v], s)
				}
			}
			if n == 0 {
				t.Logf("%s has no typed variables", s)
			}
		})
	}
}
