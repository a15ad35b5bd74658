package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/web"
	"claimdesk/internal/webhook"
)

// hookReceiver is a webhook endpoint on 127.0.0.1 that records bodies.
func hookReceiver(t *testing.T) (*httptest.Server, chan *http.Request, chan []byte) {
	reqs, bodies := make(chan *http.Request, 100), make(chan []byte, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		reqs <- r
		bodies <- b
		io.WriteString(w, "thanks")
	}))
	t.Cleanup(srv.Close)
	return srv, reqs, bodies
}

// startWebhooks works e's webhook deliveries, as serve does.
func (e *env) startWebhooks() {
	e.t.Helper()
	svc, err := webhook.New(e.store, webhook.Config{ClaimData: web.PublicClaimJSON(e.srv.URL), AllowPrivate: true,
		BaseURL: e.srv.URL, Newsroom: "Test Desk", PollInterval: 20 * time.Millisecond})
	if err != nil {
		e.t.Fatal(err)
	}
	e.store.SetEventSink(svc)
	if err := svc.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		svc.Stop(ctx)
	})
}

// The admin JSON API registers endpoints (201 {id,url,events,secret}),
// lists them with their delivery logs, sends test events and deletes
// them; only admins may.
func TestWebhookAPI(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.startWebhooks()
	rcv, reqs, bodies := hookReceiver(t)
	admin, editor := e.token(e.admin), e.token(e.editor)

	body := map[string]any{"url": rcv.URL + "/in", "events": []string{"claim.published", "claim.corrected"}}
	if st := e.api("POST", "/api/v1/webhooks", editor, body, nil); st != 403 {
		t.Errorf("editor registers a webhook: %d", st)
	}
	if st := e.api("POST", "/api/v1/webhooks", "", body, nil); st != 401 {
		t.Errorf("anonymous registers a webhook: %d", st)
	}
	var raw map[string]json.RawMessage
	if st := e.api("POST", "/api/v1/webhooks", admin, body, &raw); st != 201 {
		t.Fatalf("register: %d %s", st, raw)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "events,id,secret,url" {
		t.Errorf("201 keys %v", keys)
	}
	var created web.WebhookCreatedJSON
	b, _ := json.Marshal(raw)
	json.Unmarshal(b, &created)
	if created.ID == 0 || created.URL != rcv.URL+"/in" || len(created.Events) != 2 || !strings.HasPrefix(created.Secret, "whsec_") {
		t.Fatalf("created %+v", created)
	}
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"url": rcv.URL, "events": []string{"claim.deleted"}}, "events"},
		{map[string]any{"url": rcv.URL, "events": []string{}}, "events"},
		{map[string]any{"url": "ftp://example.org/", "events": []string{"claim.published"}}, "url"},
		{map[string]any{"url": rcv.URL, "events": []string{"claim.published"}, "format": "xml"}, "format"},
	} {
		var er web.ErrorJSON
		if st := e.api("POST", "/api/v1/webhooks", admin, bad.body, &er); st != 422 || er.Error.Field != bad.field {
			t.Errorf("%v: %d %+v", bad.body, st, er)
		}
	}

	// A publication is delivered, signed with the secret from the 201.
	cl := e.publishQuote("The harbour handles twice the cargo it did, the mayor said.", "false")
	r, got := <-reqs, <-bodies
	if err := webhook.Verify(created.Secret, r.Header.Get("X-Claimdesk-Signature"), got, time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	// data is the claim exactly as GET /api/v1/claims/:id shows it.
	var payload struct {
		Data json.RawMessage
	}
	json.Unmarshal(got, &payload)
	_, apiBody, _ := e.get(e.client(), "/api/v1/claims/"+strconv.FormatInt(cl.ID, 10))
	if string(payload.Data) != apiBody {
		t.Errorf("webhook data differs from the API:\n%s\n%s", payload.Data, apiBody)
	}

	// The list shows the endpoint and its log with the last response,
	// never the secret.
	var list web.WebhookListJSON
	deadline := time.Now().Add(5 * time.Second)
	for {
		if st := e.api("GET", "/api/v1/webhooks", admin, nil, &list); st != 200 {
			t.Fatalf("list: %d", st)
		}
		if len(list.Webhooks) == 1 && len(list.Webhooks[0].Deliveries) == 1 && list.Webhooks[0].Deliveries[0].Status == "delivered" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(list.Webhooks) != 1 || !list.Webhooks[0].Active || list.Webhooks[0].Format != "json" {
		t.Fatalf("list %+v", list)
	}
	dl := list.Webhooks[0].Deliveries
	if len(dl) != 1 || dl[0].Status != "delivered" || dl[0].ResponseStatus != 200 || dl[0].ResponseBody != "thanks" || dl[0].Event != "claim.published" {
		t.Errorf("deliveries %+v", dl)
	}
	_, listBody, _ := e.get(e.client(), "/api/v1/webhooks", "Authorization", "Bearer "+admin)
	if strings.Contains(listBody, created.Secret) {
		t.Error("the list shows the secret")
	}

	// Send a test event.
	var te web.TestEventJSON
	if st := e.api("POST", "/api/v1/webhooks/"+strconv.FormatInt(created.ID, 10)+"/test", admin, nil, &te); st != 202 || te.DeliveryID == 0 {
		t.Fatalf("test event: %d %+v", st, te)
	}
	if r := <-reqs; r.Header.Get("X-Claimdesk-Event") != string(factcheck.EventTest) {
		t.Errorf("test event header %q", r.Header.Get("X-Claimdesk-Event"))
	}
	<-bodies

	// Delete.
	path := "/api/v1/webhooks/" + strconv.FormatInt(created.ID, 10)
	if st := e.api("DELETE", path, editor, nil, nil); st != 403 {
		t.Errorf("editor deletes: %d", st)
	}
	if st := e.api("DELETE", path, admin, nil, nil); st != 204 {
		t.Errorf("delete: %d", st)
	}
	if st := e.api("DELETE", path, admin, nil, nil); st != 404 {
		t.Errorf("delete again: %d", st)
	}
	e.api("GET", "/api/v1/webhooks", admin, nil, &list)
	if len(list.Webhooks) != 0 {
		t.Errorf("after delete: %+v", list)
	}
}

// Endpoints inside the desk's own network are refused, as the article
// fetcher refuses them, unless CLAIMDESK_FETCH_ALLOW_PRIVATE.
func TestWebhookPrivateAddressRefused(t *testing.T) {
	e := newEnv(t, "sqlite")
	strict := httptest.NewServer(newServer(t, e.store, web.Config{BaseURL: e.srv.URL, FetchPrivate: false}).Handler())
	defer strict.Close()
	admin := e.token(e.admin)
	for _, u := range []string{"http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://[::1]/hook",
		"http://169.254.169.254/latest/meta-data", "http://192.168.0.10/", "http://100.64.0.1/"} {
		b, _ := json.Marshal(map[string]any{"url": u, "events": []string{"claim.published"}})
		req, _ := http.NewRequest("POST", strict.URL+"/api/v1/webhooks", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var er web.ErrorJSON
		json.NewDecoder(resp.Body).Decode(&er)
		resp.Body.Close()
		if resp.StatusCode != 422 || er.Error.Field != "url" || !strings.Contains(er.Error.Message, "own network") {
			t.Errorf("%s: %d %+v", u, resp.StatusCode, er)
		}
	}
	if ws, _ := e.store.Webhooks(t.Context()); len(ws) != 0 {
		t.Errorf("%d private endpoints were stored", len(ws))
	}
	// The same address is fine where private addresses are allowed.
	if st := e.api("POST", "/api/v1/webhooks", admin, map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"claim.published"}}, nil); st != 201 {
		t.Errorf("allowed private address: %d", st)
	}
}

// The desk page: admins add an endpoint (its secret shown once), see its
// log, send a test event, and delete it; others get 403.
func TestDeskWebhooksPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.startWebhooks()
	rcv, _, bodies := hookReceiver(t)
	ed := e.client()
	e.login(ed, e.editor.Email)
	if st, _, _ := e.get(ed, "/desk/webhooks"); st != 403 {
		t.Errorf("editor: %d", st)
	}
	c := e.client()
	e.login(c, e.admin.Email)
	csrf := e.csrfFrom(c, "/desk/webhooks")
	st, page, _ := e.postForm(c, "/desk/webhooks", url.Values{"_csrf": {csrf}, "url": {"ftp://nope"}, "events": {"claim.published"}})
	if st != 422 || !strings.Contains(page, `id="err-url"`) {
		t.Errorf("bad url: %d", st)
	}
	st, page, _ = e.postForm(c, "/desk/webhooks", url.Values{"_csrf": {csrf}, "url": {rcv.URL}, "events": {"claim.published", "report.created"}, "format": {"slack"}})
	if st != 200 || !strings.Contains(page, "whsec_") || !strings.Contains(page, "slack format") || !strings.Contains(page, "claim.published, report.created") {
		t.Fatalf("add: %d\n%s", st, page)
	}
	ws, _ := e.store.Webhooks(t.Context())
	if len(ws) != 1 || !strings.Contains(page, ws[0].Secret) {
		t.Fatalf("stored %+v", ws)
	}
	if _, again, _ := e.get(c, "/desk/webhooks"); strings.Contains(again, ws[0].Secret) {
		t.Error("the secret is shown twice")
	}
	id := strconv.FormatInt(ws[0].ID, 10)
	if st, page, _ := e.postForm(c, "/desk/webhooks/"+id+"/test", url.Values{"_csrf": {csrf}}); st != 200 || !strings.Contains(page, "Test event queued") {
		t.Errorf("test: %d", st)
	}
	var msg map[string]string
	if json.Unmarshal(<-bodies, &msg); !strings.Contains(msg["text"], "Test event from Test Desk") {
		t.Errorf("slack test message %v", msg)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, page, _ = e.get(c, "/desk/webhooks")
		if strings.Contains(page, "webhook.test") && strings.Contains(page, ">delivered<") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	hasAll(t, "webhooks page log", page, "webhook.test", ">delivered<", "OK thanks")
	if st, page, _ := e.postForm(c, "/desk/webhooks/"+id+"/delete", url.Values{"_csrf": {csrf}}); st != 200 || !strings.Contains(page, "Endpoint deleted") || strings.Contains(page, "<code>"+rcv.URL) {
		t.Errorf("delete: %d", st)
	}
}

// volatile matches the values of webhook JSON that change per run:
// secrets, event ids, the local receiver's port and durations.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`whsec_[0-9a-f]+`), "whsec_SECRET"},
	{regexp.MustCompile(`evt_[0-9a-f]+`), "evt_ID"},
	{regexp.MustCompile(`http://127\.0\.0\.1:\d+`), "http://RECEIVER"},
	{regexp.MustCompile(`"duration_ms":\d+`), `"duration_ms":0`},
}

// The webhook JSON shapes, byte for byte: the 201 of a registration, the
// list with a delivery log, and a delivery's payload.
func TestWebhookJSONGolden(t *testing.T) {
	e := newEnv(t, "sqlite")
	desk := newServer(t, e.store, web.Config{BaseURL: "https://desk.example", Newsroom: "Golden Desk", FetchPrivate: true})
	hs := httptest.NewServer(desk.Handler())
	defer hs.Close()
	svc, err := webhook.New(e.store, webhook.Config{ClaimData: web.PublicClaimJSON("https://desk.example"), AllowPrivate: true,
		BaseURL: "https://desk.example", Newsroom: "Golden Desk", PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.store.SetEventSink(svc)
	svc.Start(context.Background())
	defer svc.Stop(context.Background())
	rcv, _, bodies := hookReceiver(t)
	tok := e.token(e.admin)
	call := func(method, path string, body any) []byte {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		for _, v := range volatile {
			out = v.re.ReplaceAll(out, []byte(v.with))
		}
		return out
	}
	golden(t, "webhook-created.json", call("POST", "/api/v1/webhooks", map[string]any{"url": rcv.URL + "/hook", "events": []string{"claim.published", "claim.corrected"}}))
	e.publishQuote("The harbour handles twice the cargo it did, the mayor said.", "false")
	payload := <-bodies
	for _, v := range volatile {
		payload = v.re.ReplaceAll(payload, []byte(v.with))
	}
	golden(t, "webhook-payload.json", payload)
	deadline := time.Now().Add(5 * time.Second)
	list := call("GET", "/api/v1/webhooks", nil)
	for !strings.Contains(string(list), `"status":"delivered"`) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		list = call("GET", "/api/v1/webhooks", nil)
	}
	golden(t, "webhooks.json", list)
}
