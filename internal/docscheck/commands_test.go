package docscheck

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/internal/cli"
)

// root is the repository's root, seen from this package.
const root = "../.."

// flagInfo is one flag as a command's -h shows it.
type flagInfo struct {
	// kind is the word after the flag's name: its type, or the name its
	// usage gives the value in backquotes; empty for a boolean.
	kind string
	// usage is the usage text, the printed default excluded.
	usage string
	// def is the printed default, unquoted; empty when none is printed.
	def string
	// env are the WIREWATCH_* variables the usage names as the flag's.
	env []string
}

// block is what -h shows of the flag, for comparing two runs.
func (f flagInfo) block() string { return f.kind + "|" + f.usage + "|" + f.def }

// command is one command's flags and the environment variables it reads.
type command struct {
	name  string
	flags map[string]flagInfo
	// env are the variables the command reads. For a verb of wirewatch
	// they are recorded as it reads them; for a binary they are those its
	// flags' usage names, each checked to change the flag's default or to
	// be validated at start.
	env map[string]bool
	// envFlag maps a variable to the flag it gives a default to.
	envFlag map[string]string
}

var (
	flagLine    = regexp.MustCompile(`^  -(\S+)(?: (\S+))?(?:\t(.*))?$`)
	defaultTail = regexp.MustCompile(`^(.*) \(default ("(?:[^"\\]|\\.)*"|[^()]*)\)$`)
	envInUsage  = regexp.MustCompile(`\benv (WIREWATCH_[A-Z0-9_]+)`)
)

// parseHelp reads the flags out of a flag.FlagSet's PrintDefaults output;
// other lines (a usage header, prose) are skipped.
func parseHelp(out string) map[string]flagInfo {
	flags := map[string]flagInfo{}
	var name string
	var usage []string
	var kind string
	flush := func() {
		if name == "" {
			return
		}
		f := flagInfo{kind: kind, usage: strings.Join(usage, " ")}
		if m := defaultTail.FindStringSubmatch(f.usage); m != nil {
			f.usage, f.def = m[1], m[2]
			if s, err := strconv.Unquote(f.def); err == nil {
				f.def = s
			}
		}
		for _, m := range envInUsage.FindAllStringSubmatch(f.usage, -1) {
			f.env = append(f.env, m[1])
		}
		flags[name] = f
		name, usage, kind = "", nil, ""
	}
	for line := range strings.SplitSeq(out, "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			flush()
			name, kind = m[1], m[2]
			if m[3] != "" {
				usage = append(usage, m[3])
			}
			continue
		}
		if name != "" && strings.HasPrefix(line, "    \t") {
			usage = append(usage, strings.TrimSpace(line))
			continue
		}
		flush()
	}
	flush()
	return flags
}

// cleanEnv is the test's environment without any WIREWATCH_* variable, so
// that a developer's own settings do not change the defaults seen.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WIREWATCH_") {
			env = append(env, kv)
		}
	}
	return env
}

// binary is a built command.
type binary struct{ path string }

// run runs the binary with args and the extra environment, and returns
// what it printed on stdout and stderr.
func (b binary) run(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.path, args...)
	cmd.Env = cleanEnv()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Dir = t.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %q did not exit: %v", filepath.Base(b.path), args, err)
	}
	return out.String()
}

var (
	buildOnce sync.Once
	built     map[string]binary
	buildErr  error
	buildDir  string
)

// binaries are the service and stacksetup commands whose flags live in
// their main packages, so the test can only ask them.
var binaries = map[string]string{
	"fetcher":    "github.com/wirewatch/wirewatch/services/fetcher/cmd/fetcher",
	"extractor":  "github.com/wirewatch/wirewatch/services/extractor/cmd/extractor",
	"deduper":    "github.com/wirewatch/wirewatch/services/deduper/cmd/deduper",
	"sink":       "github.com/wirewatch/wirewatch/services/sink/cmd/sink",
	"stacksetup": "github.com/wirewatch/wirewatch/cmd/stacksetup",
}

// services are the four services, in pipeline order.
var services = []string{"fetcher", "extractor", "deduper", "sink"}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// build builds the binaries once, with one go build.
func build(t *testing.T) map[string]binary {
	t.Helper()
	buildOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("finding the go command: %w", err)
			return
		}
		buildDir, buildErr = os.MkdirTemp("", "docscheck")
		if buildErr != nil {
			return
		}
		args := []string{"build", "-o", buildDir + string(filepath.Separator)}
		for _, pkg := range binaries {
			args = append(args, pkg)
		}
		cmd := exec.Command(gobin, args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		built = map[string]binary{}
		for name := range binaries {
			built[name] = binary{filepath.Join(buildDir, name)}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

var (
	serviceOnce sync.Once
	serviceCmds map[string]*command
)

// serviceCommands are the four services' and stacksetup's flags and
// variables, asked of the built binaries.
func serviceCommands(t *testing.T) map[string]*command {
	t.Helper()
	bins := build(t)
	serviceOnce.Do(func() {
		serviceCmds = map[string]*command{}
		for _, name := range services {
			serviceCmds[name] = probeBinary(t, name, bins[name], nil)
		}
		setup := probeBinary(t, "stacksetup streams", bins["stacksetup"], []string{"streams"})
		secrets := probeBinary(t, "stacksetup secrets", bins["stacksetup"], []string{"secrets"})
		for n, f := range secrets.flags {
			setup.flags[n] = f
		}
		setup.name = "stacksetup"
		serviceCmds["stacksetup"] = setup
	})
	if len(serviceCmds) == 0 {
		t.Fatal("the commands could not be asked for their flags")
	}
	return serviceCmds
}

// probeBinary reads a binary's flags from its -h, and checks every
// variable a flag's usage names: setting it must change that flag's
// default, or, for a flag whose default -h cannot show, make a malformed
// value an error at start.
func probeBinary(t *testing.T, name string, b binary, verb []string) *command {
	t.Helper()
	help := func(env map[string]string) map[string]flagInfo {
		return parseHelp(b.run(t, env, append(slices.Clone(verb), "-h")...))
	}
	c := &command{name: name, flags: help(nil), env: map[string]bool{}, envFlag: map[string]string{}}
	if len(c.flags) == 0 {
		t.Fatalf("%s -h shows no flags", name)
	}
	for fname, f := range c.flags {
		for _, v := range f.env {
			if got := help(map[string]string{v: probeValue(f)})[fname]; got.block() != f.block() {
				c.env[v], c.envFlag[v] = true, fname
				continue
			}
			if len(verb) == 0 {
				// A service checks its whole configuration before it
				// connects; with an empty --nats it stops there.
				base := b.run(t, nil, "-nats", "")
				if b.run(t, map[string]string{v: "bad:value:/"}, "-nats", "") != base {
					c.env[v], c.envFlag[v] = true, fname
					continue
				}
			}
			t.Errorf("%s -%s names %s, but setting it changes nothing", name, fname, v)
		}
	}
	return c
}

// probeValue is a value of f's kind that differs from its default.
func probeValue(f flagInfo) string {
	switch {
	case f.kind == "" && f.def == "true":
		return "false"
	case f.kind == "":
		return "true"
	case f.kind == "int" || f.kind == "uint" || f.kind == "int64" || f.kind == "uint64" || f.kind == "float":
		return "7"
	case f.kind == "duration":
		return "1h2m3s"
	}
	return "probe.example:7"
}

// verbs are the wirewatch command's verbs with flags, as one runs them.
var verbs = [][]string{
	{"run"}, {"extract"}, {"tail"}, {"record"}, {"replay"},
	{"dlq", "list"}, {"dlq", "replay"}, {"feeds", "add"}, {"feeds", "remove"}, {"feeds", "list"},
}

// cliCommands are the wirewatch verbs' flags, each built the way the verb
// builds it, with the variables it reads recorded. dlq and feeds are one
// command each, their sub-verbs' flags together.
func cliCommands(t *testing.T) map[string]*command {
	t.Helper()
	cmds := map[string]*command{}
	for _, v := range verbs {
		var mu sync.Mutex
		read := map[string]bool{}
		getenv := func(k string) string {
			mu.Lock()
			defer mu.Unlock()
			read[k] = true
			return ""
		}
		var stdout, stderr bytes.Buffer
		args := append(slices.Clone(v), "-h")
		if code := cli.Main(context.Background(), args, cli.Env{Stdout: &stdout, Stderr: &stderr, Getenv: getenv}); code != 0 {
			t.Fatalf("wirewatch %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
		}
		flags := parseHelp(stderr.String())
		if len(flags) == 0 {
			t.Fatalf("wirewatch %s shows no flags", strings.Join(args, " "))
		}
		c := cmds[v[0]]
		if c == nil {
			c = &command{name: "wirewatch " + v[0], flags: map[string]flagInfo{}, env: map[string]bool{}, envFlag: map[string]string{}}
			cmds[v[0]] = c
		}
		for n, f := range flags {
			c.flags[n] = f
		}
		for k := range read {
			if !strings.HasPrefix(k, "WIREWATCH_") {
				t.Errorf("wirewatch %s reads %s: every variable of wirewatch is named WIREWATCH_*", v[0], k)
			}
			c.env[k] = true
		}
	}
	return cmds
}
