# One image for web, worker and beat. Front-end assets are built in a Node stage.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY static ./static
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=assets /app/static/build ./static/build
COPY --from=assets /app/node_modules/govuk-frontend/dist ./node_modules/govuk-frontend/dist
COPY --from=assets /app/node_modules/@ministryofjustice/frontend/moj ./node_modules/@ministryofjustice/frontend/moj
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input
RUN useradd --create-home oocr && mkdir -p /app/var/access-log && chown -R oocr /app/var
USER oocr
EXPOSE 8000
# Workers, bind address and timeouts: gunicorn.conf.py, read from /app.
CMD ["gunicorn", "oocr.wsgi:application"]
