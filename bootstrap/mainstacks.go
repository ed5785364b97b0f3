package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/fargate-platform/fargate-platform/pkg/permissions"
	"github.com/fargate-platform/fargate-platform/pkg/plan"
	"github.com/fargate-platform/fargate-platform/stacks"
)

// MainStack is one of the main program's stacks as its stack file declares it: the one truth the bootstrap
// writes that stack's deploy role from.
type MainStack struct {
	// Name is the stack ("dev"); File the stack file read ("../Pulumi.dev.yaml").
	Name, File string
	// Config is the stack's validated config, with its environment's defaults.
	Config stacks.Config
	// Types are the resource types its plan holds (permissions.TypesFor).
	Types []string
	// SecretsProvider is the stack file's `secretsprovider` ("" when the file names none).
	SecretsProvider string
}

// loadMainStacks reads the main program's Pulumi.yaml and the file of each stack this account hosts, and
// checks that they agree with the bootstrap's own keys. Every disagreement names both keys.
func loadMainStacks(dir string, c Config) (map[string]MainStack, error) {
	out := map[string]MainStack{}
	var errs ConfigErrors
	for _, stack := range c.Stacks() {
		file := filepath.Join(dir, "Pulumi."+stack+".yaml")
		sc, err := plan.LoadStackConfig(dir, stack)
		if err != nil {
			errs = append(errs, fmt.Errorf("mainProjectDir = %q: %v: the bootstrap writes each deploy role from its stack's file; create it first (pulumi stack init %s) or point mainProjectDir at the main program", dir, err, stack))
			continue
		}
		if sc.Project != c.Project {
			errs = append(errs, fmt.Errorf("project = %q: the main program's %s names project %q; set project to it", c.Project, filepath.Join(dir, "Pulumi.yaml"), sc.Project))
			continue
		}
		if r := sc.Values["aws:region"]; r != c.Region {
			errs = append(errs, fmt.Errorf("aws:region = %q: %s sets aws:region = %q; the deploy role is pinned to one region, so both must name the same", c.Region, file, r))
		}
		cfg, err := stacks.Load(sc.Project, stack, stacks.Input{Values: sc.Values, SecretKeys: sc.SecretKeys})
		if err != nil {
			var bad stacks.Errors
			if errors.As(err, &bad) {
				errs = append(errs, fmt.Errorf("%s does not validate, so its deploy role cannot be written from it: %v", file, err))
				continue
			}
			return nil, err
		}
		ms := MainStack{Name: stack, File: file, Config: cfg, Types: permissions.TypesFor(cfg), SecretsProvider: sc.SecretsProvider}
		if want := c.SecretsProvider(stack); ms.SecretsProvider != "" && !strings.HasPrefix(ms.SecretsProvider, want) {
			errs = append(errs, fmt.Errorf("secretsKeyAlias = %q: %s sets secretsprovider: %s, want %s: each stack's secrets are encrypted with its own key (pulumi stack change-secrets-provider %q -s %s)",
				c.SecretsKeyAlias, file, ms.SecretsProvider, want, want, stack))
		}
		if b := cfg.PermissionsBoundary; b != "bootstrap" {
			errs = append(errs, fmt.Errorf("permissionsBoundary = %q in %s: a stack deployed by the bootstrap's roles must use the bootstrap's boundary (leave permissionsBoundary unset): the deploy role may create roles only with it", b, file))
		}
		out[stack] = ms
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}
