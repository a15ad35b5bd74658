package store

import "testing"

func TestWithCustomPlans(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@db:5432/desk?sslmode=disable":            "postgres://u:p@db:5432/desk?plan_cache_mode=force_custom_plan&sslmode=disable",
		"postgresql://db/desk":                                   "postgresql://db/desk?plan_cache_mode=force_custom_plan",
		"postgres://db/desk?plan_cache_mode=auto":                "postgres://db/desk?plan_cache_mode=auto",
		"host=db user=u dbname=desk sslmode=disable":             "host=db user=u dbname=desk sslmode=disable plan_cache_mode=force_custom_plan",
		"host=db dbname=desk plan_cache_mode=force_generic_plan": "host=db dbname=desk plan_cache_mode=force_generic_plan",
	} {
		if got := withCustomPlans(in); got != want {
			t.Errorf("withCustomPlans(%q) = %q, want %q", in, got, want)
		}
	}
}
