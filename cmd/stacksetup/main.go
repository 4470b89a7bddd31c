// Command stacksetup prepares the docker compose stack of wirewatch:
//
//	stacksetup secrets [--dir deploy/secrets] [--force]
//	stacksetup streams [--nats URL] [--user NAME --password-file FILE] [--stream-replicas N] [--wait 2m]
//
// secrets generates a password per NATS identity and the bcrypt hashes the
// servers check them with, and the route user and password the cluster's
// nodes authenticate each other with (with the route URLs that carry
// them); streams creates the pipeline streams with the administrator's
// identity (see internal/stacksetup).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/internal/stacksetup"
)

const usage = "usage: stacksetup secrets [--dir DIR] [--force] | stacksetup streams [flags]"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "stacksetup:", err)
		os.Exit(1)
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, getenv func(string) string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "secrets":
		fs := flag.NewFlagSet("secrets", flag.ContinueOnError)
		fs.Usage = func() {
			fmt.Fprintf(fs.Output(), "usage: stacksetup secrets [--dir DIR] [--force]\n\n"+
				"Writes a password file per NATS identity, the bcrypt hashes the servers check them with,\n"+
				"and %s: the route user, password and URLs the cluster's nodes authenticate each other with.\n\n", stacksetup.ClusterFile)
			fs.PrintDefaults()
		}
		dir := fs.String("dir", "deploy/secrets", "`directory` to write the secrets to")
		force := fs.Bool("force", false, "replace secrets that already exist")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		err := stacksetup.WriteSecrets(*dir, stacksetup.SecretsOptions{Force: *force})
		if errors.Is(err, stacksetup.ErrSecretsExist) {
			fmt.Fprintf(os.Stderr, "stacksetup: keeping the secrets in %s (--force replaces them)\n", *dir)
			return nil
		}
		return err
	case "streams":
		fs := flag.NewFlagSet("streams", flag.ContinueOnError)
		var o stacksetup.ConnOptions
		fs.StringVar(&o.URL, "nats", envOr(getenv, "WIREWATCH_NATS_URL", "nats://127.0.0.1:4222"), "NATS server `url`(s) (env WIREWATCH_NATS_URL)")
		fs.StringVar(&o.User, "user", getenv("WIREWATCH_NATS_USER"), "NATS user (env WIREWATCH_NATS_USER)")
		fs.StringVar(&o.PasswordFile, "password-file", getenv("WIREWATCH_NATS_PASSWORD_FILE"), "`file` holding the user's password (env WIREWATCH_NATS_PASSWORD_FILE)")
		fs.StringVar(&o.TLSCA, "tls-ca", getenv("WIREWATCH_NATS_TLS_CA"), "CA bundle to verify the servers (env WIREWATCH_NATS_TLS_CA)")
		fs.StringVar(&o.TLSCert, "tls-cert", getenv("WIREWATCH_NATS_TLS_CERT"), "client certificate (env WIREWATCH_NATS_TLS_CERT)")
		fs.StringVar(&o.TLSKey, "tls-key", getenv("WIREWATCH_NATS_TLS_KEY"), "client certificate key (env WIREWATCH_NATS_TLS_KEY)")
		replicas, _ := strconv.Atoi(envOr(getenv, "WIREWATCH_STREAM_REPLICAS", "1"))
		fs.IntVar(&replicas, "stream-replicas", replicas, "replicas of each stream: 1, 3 or 5 (env WIREWATCH_STREAM_REPLICAS)")
		wait := fs.Duration("wait", 2*time.Minute, "how long to wait for the cluster to accept the streams")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if replicas != 1 && replicas != 3 && replicas != 5 {
			return fmt.Errorf("--stream-replicas %d is not 1, 3 or 5", replicas)
		}
		log, err := zap.NewProduction()
		if err != nil {
			return err
		}
		defer func() { _ = log.Sync() }()
		ctx, cancel := context.WithTimeout(ctx, *wait)
		defer cancel()
		if err := stacksetup.EnsureStreams(ctx, o, replicas, log); err != nil {
			return err
		}
		log.Info("streams ready", zap.Int("replicas", replicas))
		return nil
	}
	return fmt.Errorf("unknown verb %q; %s", args[0], usage)
}
