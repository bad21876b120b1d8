// The demo's customer screen and till: the sale (from the page's data-items) priced by
// the backend (POST /api/vipps/quote), and "Neste kunde", which draws the Vipps element
// afresh for the next sale (a code or request still on show is withdrawn by the widget).
const main = document.querySelector('main.counter');
const items = JSON.parse(main.dataset.items);
const kr = (ore) => new Intl.NumberFormat('nb-NO', { style: 'currency', currency: 'NOK' }).format(ore / 100);

async function show() {
  const catalogue = await (await fetch('/catalogue.json')).json();
  const lines = document.getElementById('counter-lines');
  lines.replaceChildren(...items.map(({ sku, qty }) => {
    const li = document.createElement('li');
    const name = document.createElement('span'); name.textContent = `${qty} × ${catalogue.products[sku].name}`;
    const sum = document.createElement('span'); sum.textContent = kr(catalogue.products[sku].price * qty);
    li.append(name, sum);
    return li;
  }));
  const res = await fetch('/api/vipps/quote', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ payload: { items } }),
  });
  if (res.ok) document.getElementById('counter-total').textContent = kr((await res.json()).total.value);
}

document.getElementById('next-customer').addEventListener('click', () => {
  const pay = document.getElementById('counter-pay');
  const fresh = pay.cloneNode(false);
  fresh.removeAttribute('data-state');
  pay.replaceWith(fresh);
});

show();
