/**
 * The demo approves a consent page as a person's browser would submit it: the form's hidden fields
 * (unescaped), each list's selected or first option, and the buttons a person could press. A page
 * without a form is an error that quotes what the page says.
 */
import { readConsentForm } from '../../scripts/demo-install';

const PAGE = `<!doctype html><html><body>
  <h1>Allow Access?</h1>
  <form method="post" action="/services/oauth2/authorize">
    <input type="hidden" name="redirect_uri" value="http://127.0.0.1:4000/oauth/salesforce/callback">
    <input type="hidden" name="state" value="a&amp;b&quot;c&#39;d">
    <input type="text" name="ignored" value="typed">
    <label>Log in as
      <select name="user_id">
        <option value="005A">Ann</option>
        <option value="005B" selected>Ben</option>
      </select>
    </label>
    <select name="first"><option value="x">X</option><option value="y">Y</option></select>
    <button type="submit" name="approve" value="1">Allow</button> <button type="submit" name="approve" value="0">Deny</button>
    <button type="submit">Plain</button>
  </form>
</body></html>`;

describe('readConsentForm', () => {
  const at = new URL('http://127.0.0.1:5000/services/oauth2/authorize?client_id=abc');

  it('reads the action, hidden fields, selected options and valued buttons', () => {
    const form = readConsentForm(PAGE, at);
    expect(form.action.toString()).toBe('http://127.0.0.1:5000/services/oauth2/authorize');
    expect(form.fields).toEqual({
      redirect_uri: 'http://127.0.0.1:4000/oauth/salesforce/callback',
      state: `a&b"c'd`,
      user_id: '005B',
      first: 'x',
    });
    expect(form.choices).toEqual({ user_id: ['005A', '005B'], first: ['x', 'y'] });
    expect(form.buttons).toEqual({ approve: ['1', '0'] });
  });

  it('refuses a page with no form to approve, quoting what the page says', () => {
    expect(() => readConsentForm('<h1>Remote Access Authorization Error</h1><p>error=redirect_uri_mismatch</p>', at))
      .toThrow('the consent page http://127.0.0.1:5000/services/oauth2/authorize has no form to approve (it says: Remote Access Authorization Error error=redirect_uri_mismatch)');
  });
});
