// The demo shop's own script: prices from catalogue.json (the same file the backend
// prices from), a small cart with shipping and total as the backend prices them
// (POST /api/vipps/quote), and the cart's Vipps button kept in step with it.
const cart = new Map([['socks', 1]]);
let catalogue = null;
let quoted = 0;

/** Shows the backend's price of the cart: shipping included in a regular payment, total. */
async function showQuote(items) {
  const asked = ++quoted;
  const shipping = document.getElementById('cart-shipping');
  const total = document.getElementById('cart-total');
  if (items.length === 0) {
    shipping.textContent = kr(0);
    total.textContent = kr(0);
    return;
  }
  const res = await fetch('/api/vipps/quote', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ payload: { items } }),
  });
  if (asked !== quoted || !res.ok) return;
  const quote = await res.json();
  document.getElementById('cart-shipping-method').textContent = quote.shipping ? quote.shipping.method : 'Frakt';
  shipping.textContent = kr(quote.shipping ? quote.shipping.cost.value : 0);
  total.textContent = kr(quote.total.value);
}

const kr = (ore) => new Intl.NumberFormat('nb-NO', { style: 'currency', currency: 'NOK' }).format(ore / 100);

function renderCart() {
  const lines = document.getElementById('cart-lines');
  lines.replaceChildren();
  for (const [sku, qty] of cart) {
    const product = catalogue.products[sku];
    const li = document.createElement('li');
    li.dataset.sku = sku;
    const img = document.createElement('img');
    img.src = `/img/${sku}.svg`; img.alt = ''; img.width = 64; img.height = 48;
    const name = document.createElement('span'); name.className = 'name'; name.textContent = product.name;
    const count = document.createElement('span'); count.className = 'qty'; count.textContent = `${qty} stk`;
    const sum = document.createElement('span'); sum.className = 'line-total'; sum.textContent = kr(product.price * qty);
    const remove = document.createElement('button');
    remove.type = 'button'; remove.className = 'remove'; remove.textContent = '×';
    remove.setAttribute('aria-label', `Fjern ${product.name}`);
    remove.addEventListener('click', () => { cart.delete(sku); renderCart(); });
    li.append(img, name, count, sum, remove);
    lines.append(li);
  }
  const pay = document.getElementById('cart-pay');
  pay.hidden = cart.size === 0;
  const items = [...cart].map(([sku, qty]) => ({ sku, qty }));
  pay.setAttribute('payload', JSON.stringify({ items }));
  showQuote(items);
}

async function start() {
  catalogue = await (await fetch('/catalogue.json')).json();
  for (const el of document.querySelectorAll('[data-price-of]')) {
    el.textContent = kr(catalogue.products[el.dataset.priceOf].price);
  }
  for (const button of document.querySelectorAll('[data-add]')) {
    button.addEventListener('click', () => {
      const sku = button.dataset.add;
      cart.set(sku, Math.min(99, (cart.get(sku) || 0) + 1));
      renderCart();
    });
  }
  renderCart();
}

start();
